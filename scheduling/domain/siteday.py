"""A site's local day as real instants, for the back-office planning board: when the site and each
resource are open (a resource's own hours only narrow the site's, as in the engine), and the
closures that fall on the day. Spans are aware datetimes on the site's clock, so a daylight-saving
day has its true length (23 or 25 hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduling.domain.hours import WeeklyHours, day_spans, intersect
from scheduling.domain.values import ResourceInfo, SitePolicy
from scheduling.domain.wallclock import local_datetime


@dataclass(frozen=True)
class TimeSpan:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ClosedSpan:
    """A closure (of the whole site or of one resource) as recorded, with its reason."""

    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class ResourceDay:
    info: ResourceInfo
    active: bool
    open_spans: tuple[TimeSpan, ...]  # the site's spans, narrowed by the resource's own hours
    closures: tuple[ClosedSpan, ...]  # the resource's own closures (not the site's)


@dataclass(frozen=True)
class SiteDay:
    policy: SitePolicy
    day: date
    start: datetime  # local midnight starting the day
    end: datetime  # local midnight ending it
    open_spans: tuple[TimeSpan, ...]
    closures: tuple[ClosedSpan, ...]  # the whole site's
    resources: tuple[ResourceDay, ...]  # by name
    holiday: str = ""  # the public holiday's name, "" on an ordinary day
    exception: str = ""  # the site's date exception that day: its kind ("" for none)
    exception_reason: str = ""


def open_spans(
    day: date, site_hours: WeeklyHours, own_hours: WeeklyHours | None, tz: ZoneInfo
) -> tuple[TimeSpan, ...]:
    """When a resource (own_hours None: the site itself) is open on `day`."""
    spans = day_spans(day, site_hours, tz)
    if own_hours is not None:
        spans = intersect(spans, day_spans(day, own_hours, tz))
    return tuple(TimeSpan(local_datetime(s, tz), local_datetime(e, tz)) for s, e in spans)
