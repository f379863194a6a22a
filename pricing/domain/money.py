"""Money arithmetic: Decimal, two places, half-up (SPEC §1: prices include tax)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def cents(amount: Decimal) -> Decimal:
    """Rounded half-up to the cent: 0.005 -> 0.01, -0.005 -> -0.01 (away from zero)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percentage: Decimal) -> Decimal:
    return cents(amount * percentage / HUNDRED)


def tax_included(total: Decimal, rate: Decimal) -> Decimal:
    """The tax inside a tax-inclusive total: total × rate / (100 + rate)."""
    return cents(total * rate / (HUNDRED + rate))
