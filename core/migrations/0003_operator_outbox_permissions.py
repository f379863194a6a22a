from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant, revoke

# Operators see the events and their deliveries, send an e-mail again, manage webhook
# endpoints and replay deliveries (docs/rules/events.md). Technicians see none of it.
OPERATOR = [
    "core.view_outboxevent",
    "core.view_emailnotification",
    "core.change_emailnotification",
    "core.view_webhookendpoint",
    "core.add_webhookendpoint",
    "core.change_webhookendpoint",
    "core.view_webhookdelivery",
    "core.change_webhookdelivery",
    "core.view_webhookattempt",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_permissions(apps, "core")
    grant(apps, "operator", OPERATOR)


def backwards(apps: Any, schema_editor: Any) -> None:
    revoke(apps, "operator", OPERATOR)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
