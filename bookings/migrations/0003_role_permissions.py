from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant, revoke

OPERATOR = ["bookings.view_booking", "bookings.change_booking", "bookings.view_bookingevent"]
TECHNICIAN = ["bookings.view_booking", "bookings.view_bookingevent"]


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_permissions(apps, "bookings")
    grant(apps, "operator", OPERATOR)
    grant(apps, "technician", TECHNICIAN)


def backwards(apps: Any, schema_editor: Any) -> None:
    revoke(apps, "operator", OPERATOR)
    revoke(apps, "technician", TECHNICIAN)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_no_overlap_on_postgresql"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
