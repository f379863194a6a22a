"""No double booking, ever: on PostgreSQL, an exclusion constraint forbids two active bookings
whose blocked ranges overlap on one resource. Ranges are half-open, [start, blocked_until), so a
booking may start exactly when the previous one's blocked time ends.

The constraint is not declared on the model: SQLite cannot hold it, and model validation would
try to evaluate it there. On SQLite, the booking service's serialised (IMMEDIATE) transaction is
the guard (ADR 0002)."""

from typing import Any

from django.db import migrations

CONSTRAINT = "bookings_booking_no_overlap"

# The extension stays when the migration is reversed: other objects may use it.
CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (
    resource_id WITH =,
    tstzrange(start, blocked_until, '[)') WITH &&
) WHERE (state IN ('pending', 'confirmed', 'in_progress'))
"""
DROP = f"ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
