"""Operators read customers' vehicles in the back-office; vehicles are changed only by their
owners, through the API."""

from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant, revoke

OPERATOR_PERMISSIONS = ["vehicles.view_vehicle"]


def grant_operators(apps: Any, schema_editor: Any) -> None:
    ensure_permissions(apps, "vehicles")
    grant(apps, "operator", OPERATOR_PERMISSIONS)


def revoke_operators(apps: Any, schema_editor: Any) -> None:
    revoke(apps, "operator", OPERATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant_operators, revoke_operators)]
