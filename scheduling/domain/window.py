"""The period an availability question covers, from what a client sends (dates or aware
datetimes), in the site's timezone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.clock import MAX_YEAR as MAX_YEAR  # the one range of years a client may name
from core.clock import MIN_YEAR as MIN_YEAR
from core.clock import year_supported
from scheduling.domain.wallclock import instant_at

MAX_DAYS = 31
D = TypeVar("D", date, datetime)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A "+" in a query string arrives as a space when the client forgot to encode it.
_SPACED_OFFSET = re.compile(r"^(.+\d) (\d{2}(:?\d{2})?)$")


class WindowError(ValueError):
    """Refused input; `field` names the parameter, `code` says why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


# Codes of WindowError.
INVALID = "invalid"
OUT_OF_RANGE = "out_of_range"
NAIVE = "naive_datetime"
BEFORE_FROM = "to_before_from"
TOO_LONG = "range_too_long"


def parse_moment(field: str, raw: str) -> date | datetime:
    """A date (YYYY-MM-DD) or an aware ISO-8601 datetime; a naive datetime is refused because we
    cannot know which clock it was read on."""
    text = raw.strip()
    if _DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise WindowError(field, INVALID) from exc
        return _in_range(field, day)
    spaced = _SPACED_OFFSET.match(text)
    if spaced and "T" in text:
        text = f"{spaced.group(1)}+{spaced.group(2)}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise WindowError(field, INVALID) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WindowError(field, NAIVE)
    return _in_range(field, moment)


def _in_range(field: str, moment: D) -> D:
    if not year_supported(moment):
        raise WindowError(field, OUT_OF_RANGE)
    return moment


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant_at(day, time(0), tz), tz)


@dataclass(frozen=True)
class Window:
    start: datetime  # inclusive
    end: datetime  # exclusive


def resolve_window(start: date | datetime, end: date | datetime, tz: ZoneInfo) -> Window:
    """A date `from` starts at its local midnight; a date `to` includes its whole local day. The
    period must not end before it starts and may touch at most MAX_DAYS local days."""
    first = start if isinstance(start, datetime) else local_midnight(start, tz)
    last = end if isinstance(end, datetime) else local_midnight(end + timedelta(days=1), tz)
    if last <= first:
        raise WindowError("to", BEFORE_FROM)
    first_day = first.astimezone(tz).date()
    last_day = (last - timedelta(microseconds=1)).astimezone(tz).date()
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise WindowError("to", TOO_LONG)
    return Window(start=first.astimezone(tz), end=last.astimezone(tz))
