"""Creates the role groups. Later apps grant their own model permissions in their migrations."""

from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant

ROLES = ("customer", "operator", "technician")


def create_groups(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)
    ensure_permissions(apps, "accounts")
    # Operators look after customers in the back-office; they do not create staff accounts.
    grant(apps, "operator", ["accounts.view_user", "accounts.change_user"])


def remove_groups(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
