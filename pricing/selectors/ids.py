"""Internal keys other apps store in their foreign keys."""

from __future__ import annotations

from collections.abc import Collection

from core.errors import NotFound
from pricing.domain.codes import PricingErrorCode
from pricing.models import Service, Skill


def service_pk(code: str) -> int:
    pk = Service.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(code=PricingErrorCode.SERVICE_NOT_FOUND)
    return pk


def skill_pks(codes: Collection[str]) -> list[int]:
    """The skills' keys in the order of `codes`; NotFound naming the unknown codes."""
    found = dict(Skill.objects.filter(code__in=list(codes)).values_list("code", "pk"))
    missing = sorted(set(codes) - set(found))
    if missing:
        raise NotFound(code=PricingErrorCode.SKILL_NOT_FOUND, details={"skills": missing})
    return [found[code] for code in codes]
