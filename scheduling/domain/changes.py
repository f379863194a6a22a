"""A proposed change that removes bookable time, before it is saved: a closure, a date exception
that removes hours (closed that day, or shorter hours) or a resource's deactivation. It says what
the change is (enough to save it) and which time it removes (`removed`), so that bookings can
list the active bookings it would hit and handle each before anything overlaps removed time
(docs/rules/bookings.md, "A change of hours that hits bookings"). Plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from scheduling.domain.exceptions import HOURS, REGULAR, with_dates
from scheduling.domain.hours import WallInterval, WeeklyHours, day_spans, intersect
from scheduling.domain.opening import subtract

CLOSURE = "closure"
EXCEPTION = "exception"
DEACTIVATION = "deactivation"
NO_EXCEPTION = ""  # as `exception_kind`: the date's exception taken away (deleted, or moved)


@dataclass(frozen=True)
class RemovedTime:
    """Time no longer bookable on every resource of a site (`site_pk`) or on one resource
    (`resource_pk`), from `start` to `end` (aware; `end` None: for good, a deactivation)."""

    start: datetime
    end: datetime | None = None
    site_pk: int | None = None
    resource_pk: int | None = None


@dataclass(frozen=True)
class HoursChange:
    """`kind` CLOSURE (`start`, `end`), EXCEPTION (`day`, `exception_kind`, `intervals`) or
    DEACTIVATION, of a whole site (`resource_pk` None) or of one resource; `site_pk` is always
    the site concerned (the resource's). `removed`: the time it takes away, as computed from the
    hours in force when it was proposed (empty: it removes nothing)."""

    kind: str
    site_pk: int
    reason: str
    removed: tuple[RemovedTime, ...]
    resource_pk: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    exception_kind: str = ""
    intervals: tuple[tuple[time, time], ...] = ()

    @property
    def first_day(self) -> datetime | None:
        """Where the change starts (for the board it sends the operator back to)."""
        return self.removed[0].start if self.removed else self.start


def _override(
    dates: Mapping[date, Sequence[WallInterval]],
    day: date,
    kind: str,
    intervals: Sequence[WallInterval],
    holiday: bool = False,
) -> dict[date, Sequence[WallInterval]]:
    """`dates` with `day` answered by an exception of `kind` (REGULAR: as the week says;
    NO_EXCEPTION: as without one, a public holiday's closing included)."""
    changed = dict(dates)
    if kind == NO_EXCEPTION:
        changed.pop(day, None)
        if holiday:
            changed[day] = ()
    elif kind == REGULAR:
        changed.pop(day, None)
    else:
        changed[day] = tuple(intervals) if kind == HOURS else ()
    return changed


def removed_by_site_exception(
    *,
    day: date,
    kind: str,
    intervals: Sequence[WallInterval],
    tz: ZoneInfo,
    week: WeeklyHours,
    dates: Mapping[date, Sequence[WallInterval]],
    holiday: bool = False,
) -> list[tuple[int, int]]:
    """The instants (epoch seconds) of `day` the site is open now (`week` with its special
    `dates`) and would no longer be with the exception (`holiday`: the day is a public
    holiday, for NO_EXCEPTION): every resource loses them."""
    before = day_spans(day, with_dates(week, dates), tz)
    changed = _override(dates, day, kind, intervals, holiday)
    after = day_spans(day, with_dates(week, changed), tz)
    return subtract(before, after)


def removed_by_resource_exception(
    *,
    day: date,
    kind: str,
    intervals: Sequence[WallInterval],
    tz: ZoneInfo,
    site_hours: WeeklyHours,
    own_week: WeeklyHours | None,
    own_dates: Mapping[date, Sequence[WallInterval]],
) -> list[tuple[int, int]]:
    """The instants of `day` the resource works now (its site's opening, within its own week or
    the site's, its own exceptions applied) and would no longer with the exception."""
    site = day_spans(day, site_hours, tz)
    base = site_hours if own_week is None else own_week
    before = intersect(site, day_spans(day, with_dates(base, own_dates), tz))
    changed = _override(own_dates, day, kind, intervals)
    after = intersect(site, day_spans(day, with_dates(base, changed), tz))
    return subtract(before, after)
