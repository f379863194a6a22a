"""A customer's preferences when asking for suggestions: part of the day and weekdays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time

MORNING = "morning"
AFTERNOON = "afternoon"
EVENING = "evening"
PARTS_OF_DAY: tuple[str, ...] = (MORNING, AFTERNOON, EVENING)

_NOON = time(12)
_FIVE_PM = time(17)


def part_of_day(local_start: datetime) -> str:
    """Morning before 12:00, afternoon 12:00 to before 17:00, evening from 17:00 (local time)."""
    wall = local_start.timetz().replace(tzinfo=None)
    if wall < _NOON:
        return MORNING
    if wall < _FIVE_PM:
        return AFTERNOON
    return EVENING


def matches(
    local_start: datetime, *, parts: Collection[str] = (), weekdays: Collection[int] = ()
) -> bool:
    """True when the start suits every preference given (an empty preference accepts all)."""
    if parts and part_of_day(local_start) not in parts:
        return False
    return not weekdays or local_start.isoweekday() in weekdays
