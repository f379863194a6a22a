"""Opening-hours exceptions for one local date (of a site or of a resource) and public holidays:
how they change a day's hours. Plain values; the selectors read the rows and hand the result to the
engine, the board and the utilisation as `DatedHours` (the engine itself knows nothing of them).

On a date D:
- a site's exception decides the site's hours: `closed` (no opening), `hours` (its intervals
  replace the weekday's: different hours, or an opening on a normally closed day), `regular` (the
  weekday's hours, whatever else says: the way to open on a public holiday);
- otherwise a public holiday of the site's country (and subdivision) closes the site;
- a resource's exception replaces the resource's own hours that day (`closed` or `hours`), still
  inside the site's hours of that day; `regular` leaves them as they are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from core.errors import gettext_noop
from scheduling.domain.hours import DatedHours, WallInterval, WeeklyHours, day_hours_problems

CLOSED = "closed"
HOURS = "hours"
REGULAR = "regular"
KINDS = (CLOSED, HOURS, REGULAR)

# Problems of an exception as a whole (its intervals also follow scheduling.domain.hours).
HOURS_MISSING = "exception_hours_missing"
HOURS_NOT_ALLOWED = "exception_hours_not_allowed"
PROBLEM_MESSAGES: Mapping[str, str] = {
    HOURS_MISSING: gettext_noop("Give at least one opening interval for different hours."),
    HOURS_NOT_ALLOWED: gettext_noop(
        "Only an exception with different hours has opening intervals."
    ),
}


@dataclass(frozen=True)
class DateException:
    day: date
    kind: str  # CLOSED | HOURS | REGULAR
    intervals: tuple[WallInterval, ...] = ()
    reason: str = ""


def exception_problems(kind: str, intervals: Sequence[WallInterval]) -> list[str]:
    """The problem codes of an exception (empty when valid): `hours` needs intervals that follow
    the rules of one day's hours, the other kinds take none."""
    if kind == HOURS:
        if not intervals:
            return [HOURS_MISSING]
        return sorted({code for _index, code in day_hours_problems(intervals)})
    return [HOURS_NOT_ALLOWED] if intervals else []


def site_overrides(
    exceptions: Iterable[DateException], holidays: Iterable[date]
) -> dict[date, tuple[WallInterval, ...]]:
    """The site's dates that do not follow its week, with their intervals (empty: closed)."""
    overrides: dict[date, tuple[WallInterval, ...]] = dict.fromkeys(holidays, ())
    for exception in exceptions:
        if exception.kind == REGULAR:
            overrides.pop(exception.day, None)
        else:
            overrides[exception.day] = exception.intervals if exception.kind == HOURS else ()
    return overrides


def resource_overrides(exceptions: Iterable[DateException]) -> dict[date, tuple[WallInterval, ...]]:
    return {
        e.day: (e.intervals if e.kind == HOURS else ()) for e in exceptions if e.kind != REGULAR
    }


HOLIDAY = "holiday"


@dataclass(frozen=True)
class SpecialDay:
    """A local date of a site that does not simply follow its week, as availability and the
    board tell it: `kind` is the site's exception kind that day, or HOLIDAY for a public holiday
    without one (closed); `holiday` names the holiday ("" for none)."""

    day: date
    kind: str
    holiday: str = ""
    reason: str = ""
    intervals: tuple[WallInterval, ...] = ()


def special_days(
    exceptions: Iterable[DateException], holidays: Mapping[date, str], first: date, last: date
) -> list[SpecialDay]:
    """The site's special days from `first` to `last` (inclusive), by date."""
    by_day = {e.day: e for e in exceptions if first <= e.day <= last}
    days = sorted({*by_day, *(d for d in holidays if first <= d <= last)})
    found: list[SpecialDay] = []
    for day in days:
        exception = by_day.get(day)
        name = holidays.get(day, "")
        if exception is None:
            found.append(SpecialDay(day=day, kind=HOLIDAY, holiday=name))
        else:
            found.append(
                SpecialDay(
                    day=day,
                    kind=exception.kind,
                    holiday=name,
                    reason=exception.reason,
                    intervals=exception.intervals,
                )
            )
    return found


def with_dates(weekly: WeeklyHours, dates: Mapping[date, Sequence[WallInterval]]) -> WeeklyHours:
    """`weekly` itself when no date is special (the common case costs nothing)."""
    return DatedHours(weekly, dates) if dates else weekly
