"""Reads of promo codes."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from pricing.domain.catalogue import PromoData
from pricing.domain.vocabulary import normalize_promo_code
from pricing.models import PromoCode, PromoRedemption


def promo_by_code(code: str) -> PromoCode | None:
    return PromoCode.objects.filter(code=normalize_promo_code(code)).first()


def promo_used_by(*, promo: PromoCode, customer_id: int | None) -> bool:
    """Whether the customer holds an unreleased redemption of the code (anonymous: no)."""
    if customer_id is None:
        return False
    return PromoRedemption.objects.filter(
        promo=promo, customer_id=customer_id, released_at__isnull=True
    ).exists()


def promo_with_use(code: str, *, customer_id: int) -> QuerySet[PromoCode]:
    """The code (normalised) with `used_by_customer`: `promo_used_by` as an EXISTS in the same
    query."""
    return PromoCode.objects.filter(code=normalize_promo_code(code)).annotate(
        used_by_customer=Exists(
            PromoRedemption.objects.filter(
                promo=OuterRef("pk"), customer_id=customer_id, released_at__isnull=True
            )
        )
    )


def promo_data_from(promo: PromoCode, *, used_by_customer: bool) -> PromoData:
    return PromoData(
        code=promo.code,
        kind=promo.kind,
        value=promo.value,
        valid_from=promo.valid_from,
        valid_until=promo.valid_until,
        max_redemptions=promo.max_redemptions,
        redemptions_count=promo.redemptions_count,
        min_order_total=promo.min_order_total,
        used_by_customer=used_by_customer,
    )


def promo_data(*, code: str, customer_id: int | None) -> PromoData | None:
    """The code's state for this customer, or None when no such code exists: one query."""
    if customer_id is None:
        promo = promo_by_code(code)
        return None if promo is None else promo_data_from(promo, used_by_customer=False)
    found = promo_with_use(code, customer_id=customer_id).first()
    if found is None:
        return None
    return promo_data_from(found, used_by_customer=vars(found)["used_by_customer"])


def promo_redemptions(*, customer_id: int) -> QuerySet[PromoRedemption]:
    return PromoRedemption.objects.filter(customer_id=customer_id).select_related("promo")
