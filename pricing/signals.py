"""Any change to what the public listing shows forgets the cached listing, whoever makes it (the
admin, the import, a shell)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from pricing import services
from pricing.models import CategoryOverride, Option, Service


def _changed(sender: Any, **kwargs: Any) -> None:
    services.catalogue_changed()


def connect() -> None:
    for model in (Service, CategoryOverride, Option):
        post_save.connect(
            _changed, sender=model, dispatch_uid=f"pricing-cache-save-{model.__name__}"
        )
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"pricing-cache-delete-{model.__name__}"
        )
    m2m_changed.connect(_changed, sender=Option.services.through, dispatch_uid="pricing-cache-m2m")
