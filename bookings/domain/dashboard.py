"""The back-office dashboard's arithmetic on plain values: booked minutes per resource and
utilisation (booked minutes / open minutes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from bookings.domain.states import State

# The states whose bookings took (or still take) the resource's time: what was booked, whether or
# not the customer came. Cancelled and expired bookings gave their time back.
BOOKED_STATES: frozenset[State] = frozenset(
    {State.PENDING, State.CONFIRMED, State.IN_PROGRESS, State.COMPLETED, State.NO_SHOW}
)

# The next arrivals: bookings that are still expected.
EXPECTED_STATES: frozenset[State] = frozenset({State.PENDING, State.CONFIRMED})


def booked_minutes_by_resource(rows: Iterable[tuple[int, datetime, datetime]]) -> dict[int, int]:
    """Minutes of service (start to end, the buffer after it not counted) per resource key."""
    seconds: dict[int, float] = {}
    for resource_pk, start, end in rows:
        seconds[resource_pk] = seconds.get(resource_pk, 0.0) + (end - start).total_seconds()
    return {key: int(total // 60) for key, total in seconds.items()}


def utilisation_percent(*, booked_minutes: int, open_minutes: int) -> int | None:
    """Booked over open minutes as a whole percentage, rounded half up; None when the resource is
    not open at all (nothing to divide by). It may pass 100 when bookings outlast the opening
    (a closure added over booked time)."""
    if open_minutes <= 0:
        return None
    ratio = Decimal(booked_minutes) * 100 / Decimal(open_minutes)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
