"""Which free resource gets a new booking: deterministic, so a retry lands on the same one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime


def booked_seconds(
    busy: Iterable[tuple[int, datetime, datetime]], day_start: datetime, day_end: datetime
) -> dict[int, float]:
    """Seconds of blocked time (bookings with their buffers) per resource within the day."""
    totals: dict[int, float] = {}
    for key, start, end in busy:
        overlap = (min(end, day_end) - max(start, day_start)).total_seconds()
        if overlap > 0:
            totals[key] = totals.get(key, 0.0) + overlap
    return totals


def pick_resource(candidates: Sequence[tuple[int, str]], booked: Mapping[int, float]) -> int:
    """Among (key, name) candidates: the fewest booked seconds that day, then the name, then the
    key (names are unique per site; the key only makes the order total)."""
    if not candidates:
        raise ValueError("no candidate resource")
    return min(candidates, key=lambda c: (booked.get(c[0], 0.0), c[1], c[0]))[0]
