"""Weekly opening hours: wall-clock intervals per ISO weekday (1 = Monday ... 7 = Sunday)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from core.errors import gettext_noop
from scheduling.domain.wallclock import instant_at

WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, order=True)
class WallInterval:
    """From `opens` to `closes`, local wall-clock time, within one day."""

    opens: time
    closes: time


WeeklyHours = Mapping[int, Sequence[WallInterval]]


class DatedHours(Mapping[int, Sequence[WallInterval]]):
    """A week of hours with some local dates answered otherwise (a date exception, a public
    holiday): `dates[day]` replaces the weekday's intervals on `day` (empty: closed that day).
    It is still the week to whoever reads it by weekday; `hours_on` (and so `day_spans`, the
    engine, the board and the utilisation) reads the date first."""

    __slots__ = ("dates", "weekly")

    def __init__(self, weekly: WeeklyHours, dates: Mapping[date, Sequence[WallInterval]]) -> None:
        self.weekly = weekly
        self.dates = dates

    def __getitem__(self, weekday: int) -> Sequence[WallInterval]:
        return self.weekly[weekday]

    def __iter__(self) -> Iterator[int]:
        return iter(self.weekly)

    def __len__(self) -> int:
        return len(self.weekly)

    def on(self, day: date) -> Sequence[WallInterval]:
        found = self.dates.get(day)
        return hours_on(self.weekly, day) if found is None else found


def hours_on(hours: WeeklyHours, day: date) -> Sequence[WallInterval]:
    """The intervals of the local date `day`: its date's when `hours` has one, else its
    weekday's."""
    if isinstance(hours, DatedHours):
        return hours.on(day)
    return hours.get(day.isoweekday(), ())


# Problems reported by `day_hours_problems`, as stable codes, and what they tell the reader (one
# wording for the services, the model's validation and the back-office forms).
NOT_BEFORE = "opens_not_before_closes"
NOT_WHOLE_MINUTE = "not_whole_minute"
OVERLAP = "overlap"
BAD_WEEKDAY = "bad_weekday"
PROBLEM_MESSAGES: Mapping[str, str] = {
    NOT_BEFORE: gettext_noop(
        "Closing must be after opening, the same day (no overnight interval)."
    ),
    NOT_WHOLE_MINUTE: gettext_noop("Use whole minutes."),
    OVERLAP: gettext_noop("Intervals of the same day must not overlap."),
    BAD_WEEKDAY: gettext_noop("The weekday is 1 (Monday) to 7 (Sunday)."),
}


def is_whole_minute(moment: time) -> bool:
    return not (moment.second or moment.microsecond)


def day_hours_problems(intervals: Sequence[WallInterval]) -> list[tuple[int, str]]:
    """(index, problem code) for each interval of one weekday that breaks a rule: opens strictly
    before closes (so nothing runs overnight), whole minutes, no two intervals overlapping.
    Touching intervals (12:00-14:00 then 14:00-18:00) are allowed and count as one opening."""
    problems: list[tuple[int, str]] = []
    for index, interval in enumerate(intervals):
        if interval.opens >= interval.closes:
            problems.append((index, NOT_BEFORE))
        if not (is_whole_minute(interval.opens) and is_whole_minute(interval.closes)):
            problems.append((index, NOT_WHOLE_MINUTE))
    ordered = sorted(range(len(intervals)), key=lambda i: intervals[i])
    for previous, current in pairwise(ordered):
        if intervals[current].opens < intervals[previous].closes:
            problems.append((current, OVERLAP))
    return problems


def week_problems(week: Mapping[int, Sequence[WallInterval]]) -> dict[int, list[str]]:
    """The problem codes of each weekday of a week that breaks a rule (each code once, sorted):
    a weekday outside 1-7, or the rules of `day_hours_problems`. Empty when the week is valid."""
    found: dict[int, list[str]] = {}
    for weekday, intervals in week.items():
        if weekday not in WEEKDAYS:
            found[weekday] = [BAD_WEEKDAY]
            continue
        codes = sorted({code for _index, code in day_hours_problems(intervals)})
        if codes:
            found[weekday] = codes
    return found


def merge_touching(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-empty spans with touching or overlapping ones joined: an opening that goes on
    without a break in real time is one continuous interval."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def day_spans(day: date, hours: WeeklyHours, tz: ZoneInfo) -> list[tuple[int, int]]:
    """The opening of `day` as real instants (epoch seconds), continuous spans joined."""
    return merge_touching(
        (instant_at(day, interval.opens, tz), instant_at(day, interval.closes, tz))
        for interval in hours_on(hours, day)
    )


def intersect(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where two sorted, disjoint span lists overlap (a resource's own hours within its site's)."""
    found: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return found


_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_intervals(raw: str) -> list[tuple[time, time]]:
    """One day's intervals typed on one line (`08:00-12:00, 13:30-17:00`); ValueError naming
    the first piece that is not HH:MM-HH:MM (the back-office forms say how to write them)."""
    found: list[tuple[time, time]] = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        found.append((time(h1, m1), time(h2, m2)))
    return found
