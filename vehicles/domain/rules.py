"""Vehicle rules on plain values: year range and the per-customer limit."""

from __future__ import annotations

from datetime import datetime

YEAR_MIN = 1950
MAX_ACTIVE_VEHICLES_PER_OWNER = 20


def year_max(now: datetime) -> int:
    """Next year's models are sold from the autumn before, so current year + 1 is allowed."""
    return now.year + 1


def is_valid_year(year: int, *, now: datetime) -> bool:
    return YEAR_MIN <= year <= year_max(now)


def can_add_vehicle(active_count: int) -> bool:
    """Whether an owner with `active_count` non-archived vehicles may register one more."""
    return active_count < MAX_ACTIVE_VEHICLES_PER_OWNER
