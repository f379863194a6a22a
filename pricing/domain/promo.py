"""When a promo code applies (for a quote, and again when it is redeemed)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pricing.domain.catalogue import PromoData
from pricing.domain.codes import PricingErrorCode
from pricing.domain.money import ZERO, cents, percent_of
from pricing.domain.vocabulary import PROMO_PERCENT

PROMO_UNKNOWN = PricingErrorCode.PROMO_UNKNOWN
PROMO_NOT_YET_VALID = PricingErrorCode.PROMO_NOT_YET_VALID
PROMO_EXPIRED = PricingErrorCode.PROMO_EXPIRED
PROMO_EXHAUSTED = PricingErrorCode.PROMO_EXHAUSTED
PROMO_ALREADY_USED = PricingErrorCode.PROMO_ALREADY_USED
PROMO_BELOW_MINIMUM = PricingErrorCode.PROMO_BELOW_MINIMUM
PROMO_INVALID = PricingErrorCode.PROMO_INVALID

# What an anonymous caller must not learn by trying codes: whether one exists, was valid once,
# will be, or ran out. They all read as one reason to them (signed-in customers get the precise
# one). Below the minimum says no more than a code that applies would: it stays.
_SECRET_TO_ANONYMOUS = frozenset(
    {PROMO_UNKNOWN, PROMO_NOT_YET_VALID, PROMO_EXPIRED, PROMO_EXHAUSTED}
)


def promo_refusal_shown(refusal: PricingErrorCode, *, anonymous: bool) -> PricingErrorCode:
    """The refusal as the caller gets it: the same `promo_invalid` for every code an anonymous
    caller could otherwise tell apart."""
    return PROMO_INVALID if anonymous and refusal in _SECRET_TO_ANONYMOUS else refusal


def promo_refusal(
    promo: PromoData, *, now: datetime, order_total: Decimal
) -> PricingErrorCode | None:
    """The first reason the code does not apply, or None. Checked in this order: validity window
    (against `now`, the moment of the quote or the booking), the total cap, this customer's
    earlier use, then the order's minimum (on the total the discount would apply to)."""
    if promo.valid_from is not None and now < promo.valid_from:
        return PROMO_NOT_YET_VALID
    if promo.valid_until is not None and now >= promo.valid_until:
        return PROMO_EXPIRED
    if promo.max_redemptions is not None and promo.redemptions_count >= promo.max_redemptions:
        return PROMO_EXHAUSTED
    if promo.used_by_customer:
        return PROMO_ALREADY_USED
    if order_total < promo.min_order_total:
        return PROMO_BELOW_MINIMUM
    return None


def promo_discount(promo: PromoData, *, order_total: Decimal) -> Decimal:
    """The (positive) discount on `order_total`, never more than the total itself."""
    if order_total <= ZERO:
        return ZERO
    if promo.kind == PROMO_PERCENT:
        discount = percent_of(order_total, promo.value)
    else:
        discount = cents(promo.value)
    return min(discount, order_total)
