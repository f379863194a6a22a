"""A vehicle is in one place at a time: on PostgreSQL, an exclusion constraint forbids two active
bookings of one vehicle whose times [start, end) overlap. The range ends at `end`, not at
`blocked_until`: the buffer after a service is the bay's clean-up, the car has left.

Like the resource constraint (0002) it is not declared on the model (SQLite cannot hold it); the
booking service checks the same rule there, in its serialised transaction. Rows that already
break the rule stop the migration with their references: an operator cancels or moves one of
each pair (the constraint cannot be added NOT VALID), then migrates again."""

from typing import Any

from django.db import migrations

CONSTRAINT = "bookings_booking_vehicle_no_overlap"
ACTIVE = "('pending', 'confirmed', 'in_progress')"

OVERLAPS = f"""
SELECT a.reference, b.reference FROM bookings_booking a JOIN bookings_booking b
  ON a.vehicle_id = b.vehicle_id AND a.id < b.id
 WHERE a.state IN {ACTIVE} AND b.state IN {ACTIVE}
   AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
 ORDER BY a.reference, b.reference
"""
CREATE = f"""
ALTER TABLE bookings_booking ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (
    vehicle_id WITH =,
    tstzrange(start, "end", '[)') WITH &&
) WHERE (state IN {ACTIVE})
"""
DROP = f"ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        pairs = cursor.fetchall()
    if pairs:
        listed = ", ".join(f"{a}/{b}" for a, b in pairs[:20])
        raise RuntimeError(
            f"{len(pairs)} pair(s) of active bookings hold one vehicle at the same time "
            f"({listed}): cancel or move one of each pair, then migrate again."
        )
    schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0005_booking_pending_since_required")]

    operations = [migrations.RunPython(forwards, backwards)]
