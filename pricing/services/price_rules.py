"""Price rules and promo codes made by the system (demo data, first run); the back-office edits
them through the admin forms."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction

from core.errors import NotFound, ValidationFailed
from pricing.domain.vocabulary import PROMO_PERCENT, normalize_promo_code
from pricing.models import PriceRule, PromoCode, Service


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc


def price_rule_ensure(
    *,
    name: str,
    percentage: Decimal,
    weekdays: Collection[int] = (),
    start_time: time | None = None,
    end_time: time | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    service_codes: Collection[str] | None = None,
    priority: int = 100,
) -> tuple[PriceRule, bool]:
    """The rule named `name` (names are the rules' natural key for the system, not unique for
    the back-office: the first by id is taken), created with these values when there is none;
    an existing rule is left untouched. `service_codes` None: all services."""
    existing = PriceRule.objects.filter(name=name).order_by("pk").first()
    if existing is not None:
        return existing, False
    services: list[Service] = []
    if service_codes is not None:
        services = list(Service.objects.filter(code__in=list(service_codes)))
        missing = sorted(set(service_codes) - {service.code for service in services})
        if missing or not services:
            raise NotFound(code="service_not_found", details={"services": missing})
    rule = PriceRule(
        name=name,
        percentage=percentage,
        weekdays=sorted(weekdays),
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_until=valid_until,
        all_services=service_codes is None,
        priority=priority,
    )
    _full_clean(rule)
    with transaction.atomic():
        rule.save()
        rule.services.set(services)
    return rule, True


def promo_code_ensure(
    *,
    code: str,
    value: Decimal,
    kind: str = PROMO_PERCENT,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    max_redemptions: int | None = None,
    min_order_total: Decimal = Decimal("0.00"),
) -> tuple[PromoCode, bool]:
    """The promo code (case-insensitive), created with these values when there is none; an
    existing code is left untouched (its redemptions count included)."""
    existing = PromoCode.objects.filter(code=normalize_promo_code(code)).first()
    if existing is not None:
        return existing, False
    promo = PromoCode(
        code=normalize_promo_code(code),
        kind=kind,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
        max_redemptions=max_redemptions,
        min_order_total=min_order_total,
    )
    _full_clean(promo)
    promo.save()
    return promo, True
