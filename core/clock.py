"""The one place that reads the wall clock, so that rules can take `now` as a parameter and tests
can pin it."""

from __future__ import annotations

from datetime import UTC, date, datetime

# The years a date from outside may name. Far enough for any booking, near enough that no date
# arithmetic on it (a UTC offset up to 14 h, a site's timezone, days added) leaves datetime's
# years 1..9999: "0001-01-01T00:00+14:00" is 31 Dec of year 0 in UTC, an OverflowError.
MIN_YEAR, MAX_YEAR = 2000, 2999


def utcnow() -> datetime:
    return datetime.now(UTC)


def resolve_now(now: datetime | None) -> datetime:
    """`now` as given (it must be aware), or the current UTC time."""
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now


def year_supported(moment: date) -> bool:
    """The date or date-time, as written (on its own clock), lies in MIN_YEAR..MAX_YEAR."""
    return MIN_YEAR <= moment.year <= MAX_YEAR
