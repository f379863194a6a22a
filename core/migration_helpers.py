"""Helpers for data migrations that grant model permissions to the role groups.

Permissions are normally created after `migrate` finishes (post_migrate), too late for a data
migration that assigns them; `ensure_permissions` creates them first, on the historical models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps: Any, *app_labels: str) -> None:
    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = (
            True  # historical configs have none; create_permissions checks it
        )
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps: Any, group_name: str, permissions: list[str]) -> None:
    """Give `group_name` the permissions named "app_label.codename" (idempotent)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=group_name)
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        group.permissions.add(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps: Any, group_name: str, permissions: list[str]) -> None:
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group = group_model.objects.filter(name=group_name).first()
    if group is None:
        return
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        group.permissions.remove(
            *permission_model.objects.filter(content_type__app_label=app_label, codename=codename)
        )
