"""Internal keys other apps store in their foreign keys."""

from __future__ import annotations

from core.errors import NotFound
from pricing.models import Service


def service_pk(code: str) -> int:
    pk = Service.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(code="service_not_found")
    return pk
