"""Dates the demo needs: French public holidays (the sites close) and the span of days the
bookings are spread over. Plain Python."""

from __future__ import annotations

import math
from datetime import date, timedelta

FIXED_HOLIDAYS = {
    (1, 1): "New Year's Day",
    (5, 1): "Labour Day",
    (5, 8): "Victory in Europe Day",
    (7, 14): "Bastille Day",
    (8, 15): "Assumption Day",
    (11, 1): "All Saints' Day",
    (11, 11): "Armistice Day",
    (12, 25): "Christmas Day",
}

# Bookings a demo day holds, both sites together: about three jobs per resource, so that the
# planning board looks busy without being full.
BOOKINGS_PER_OPEN_DAY = 30
MIN_DAYS_BACK = 14
MIN_DAYS_AHEAD = 14
MAX_DAYS_AHEAD = 50  # the sites' booking horizon is 60 days from when a booking is made


def easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def french_holidays(year: int) -> dict[date, str]:
    sunday = easter(year)
    holidays = {date(year, month, day): name for (month, day), name in FIXED_HOLIDAYS.items()}
    holidays[sunday + timedelta(days=1)] = "Easter Monday"
    holidays[sunday + timedelta(days=39)] = "Ascension Day"
    holidays[sunday + timedelta(days=50)] = "Whit Monday"
    return holidays


def holidays_between(first: date, last: date) -> list[tuple[date, str]]:
    """The public holidays from `first` to `last` included, in date order."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update(french_holidays(year))
    return sorted((day, name) for day, name in found.items() if first <= day <= last)


def next_holiday(after: date) -> tuple[date, str]:
    """The first public holiday on or after `after`."""
    return holidays_between(after, after + timedelta(days=400))[0]


def span(bookings: int) -> tuple[int, int]:
    """(days back, days ahead) the bookings are spread over: two weeks each way at least, more
    for large sets, ahead never beyond what the booking horizon allows."""
    open_days = math.ceil(bookings / BOOKINGS_PER_OPEN_DAY)
    calendar_days = math.ceil(open_days * 7 / 5.5)
    ahead = min(MAX_DAYS_AHEAD, max(MIN_DAYS_AHEAD, math.ceil(calendar_days * 0.25)))
    back = max(MIN_DAYS_BACK, calendar_days - ahead)
    return back, ahead
