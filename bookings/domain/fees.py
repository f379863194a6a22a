"""The cancellation fee (SPEC §6). Tiers come from settings; the arithmetic lives here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bookings.domain.states import Role, State

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeTier:
    """From `notice` before the start (inclusive) and more, the fee is `percent` of the total."""

    notice: timedelta
    percent: Decimal


# At least 24 h before: 0 %; from 2 h to 24 h: 50 %; under 2 h (and after the start): 100 %.
DEFAULT_TIERS: tuple[FeeTier, ...] = (
    FeeTier(timedelta(hours=24), Decimal("0")),
    FeeTier(timedelta(hours=2), Decimal("50")),
    FeeTier(timedelta(0), Decimal("100")),
)
DEFAULT_NO_SHOW_PERCENT = Decimal("100")


@dataclass(frozen=True)
class CancellationFee:
    percent: Decimal
    amount: Decimal


def _apply(total: Decimal, percent: Decimal) -> CancellationFee:
    amount = (total * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return CancellationFee(percent=percent, amount=amount)


def tier_percent(notice_left: timedelta, tiers: Sequence[FeeTier]) -> Decimal:
    """The percentage for a cancellation made `notice_left` before the start (negative: after)."""
    for tier in sorted(tiers, key=lambda t: t.notice, reverse=True):
        if notice_left >= tier.notice:
            return tier.percent
    # Past the start: the strictest tier.
    return max(tier.percent for tier in tiers)


def cancellation_fee(
    *,
    total: Decimal,
    state: State,
    role: Role,
    start: datetime,
    now: datetime,
    tiers: Sequence[FeeTier] = DEFAULT_TIERS,
) -> CancellationFee:
    """Only a customer's cancellation of a confirmed booking costs something."""
    if role is not Role.CUSTOMER or state is not State.CONFIRMED:
        return CancellationFee(percent=Decimal("0"), amount=Decimal("0.00"))
    return _apply(total, tier_percent(start - now, tiers))


def no_show_fee(*, total: Decimal, percent: Decimal = DEFAULT_NO_SHOW_PERCENT) -> CancellationFee:
    return _apply(total, percent)
