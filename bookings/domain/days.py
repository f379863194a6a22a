"""Calendar days on a site's clock, as half-open UTC bounds: the back-office day filter (today,
tomorrow, this week) and the export's date range both mean days where the booking takes place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TODAY = "today"
TOMORROW = "tomorrow"
THIS_WEEK = "week"
RELATIVE_DAYS = (TODAY, TOMORROW, THIS_WEEK)

# Local dates run from UTC-12 to UTC+14: every site's "today" lies between these two clocks.
_WESTMOST = ZoneInfo("Etc/GMT+12")
_EASTMOST = ZoneInfo("Etc/GMT-14")

DaysOn = Callable[[ZoneInfo], tuple[date, date]]


def local_day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From midnight starting `first` to midnight ending `last` on the clock of `tz`, in UTC
    (half-open: a booking at midnight after `last` is not included)."""
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def relative_days(kind: str, *, now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """The first and last day of `kind` on the clock of `tz`; a week runs Monday to Sunday."""
    today = now.astimezone(tz).date()
    if kind == TODAY:
        return today, today
    if kind == TOMORROW:
        tomorrow = today + timedelta(days=1)
        return tomorrow, tomorrow
    if kind == THIS_WEEK:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    raise ValueError(f"unknown day kind: {kind}")


def utc_window(days_on: DaysOn) -> tuple[datetime, datetime]:
    """UTC bounds that contain `days_on(tz)` for every timezone on Earth: a cheap first cut before
    the exact per-timezone bounds are known."""
    first, _ = days_on(_WESTMOST)
    _, last = days_on(_EASTMOST)
    start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(hours=14)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC) + timedelta(hours=12)
    return start, end
