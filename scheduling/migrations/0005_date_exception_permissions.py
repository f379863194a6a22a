"""Operators write date exceptions from the back-office; technicians see them."""

from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant, revoke

MODELS = ("dateexception", "dateexceptioninterval")
OPERATOR = [
    f"scheduling.{action}_{model}"
    for model in MODELS
    for action in ("view", "add", "change", "delete")
]
TECHNICIAN = ["scheduling.view_dateexception"]


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_permissions(apps, "scheduling")
    grant(apps, "operator", OPERATOR)
    grant(apps, "technician", TECHNICIAN)


def backwards(apps: Any, schema_editor: Any) -> None:
    revoke(apps, "operator", OPERATOR)
    revoke(apps, "technician", TECHNICIAN)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_date_exceptions_and_holidays"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
