"""Operators run the catalogue in the back-office: they view, add and change services, their
overrides, options, skills, price rules and promo codes (deleting stays with administrators: a
retired service is made inactive). Redemptions are only viewed: redemptions and releases write
them."""

from typing import Any

from django.db import migrations

from core.migration_helpers import ensure_permissions, grant, revoke

CATALOGUE = ("skill", "service", "categoryoverride", "option", "pricerule", "promocode")
OPERATOR_PERMISSIONS = [
    f"pricing.{action}_{model}" for model in CATALOGUE for action in ("view", "add", "change")
] + ["pricing.view_promoredemption"]


def grant_operators(apps: Any, schema_editor: Any) -> None:
    ensure_permissions(apps, "pricing")
    grant(apps, "operator", OPERATOR_PERMISSIONS)


def revoke_operators(apps: Any, schema_editor: Any) -> None:
    revoke(apps, "operator", OPERATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0002_catalogue_rules_promos"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant_operators, revoke_operators)]
