"""A proposed change of hours read against the hours in force: which time it would remove
(scheduling.domain.changes). A few queries each, whatever the number of resources or bookings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from core.errors import NotFound
from pricing.public import PricingErrorCode
from scheduling.domain.changes import (
    CLOSURE,
    DEACTIVATION,
    EXCEPTION,
    HoursChange,
    RemovedTime,
    removed_by_resource_exception,
    removed_by_site_exception,
)
from scheduling.domain.codes import SchedulingErrorCode
from scheduling.domain.hours import DatedHours, WallInterval
from scheduling.models import Resource
from scheduling.selectors.calendars import load_date_exceptions, load_resources, load_sites


def _site_of(resource_pk: int) -> tuple[int, bool]:
    row = Resource.objects.filter(pk=resource_pk).values_list("site_id", "active").first()
    if row is None:
        raise NotFound(code=SchedulingErrorCode.RESOURCE_NOT_FOUND)
    return row


def closure_change(
    *,
    start: datetime,
    end: datetime,
    reason: str,
    site_pk: int | None = None,
    resource_pk: int | None = None,
) -> HoursChange:
    """A closure of the site (or of the resource) from `start` to `end`: it removes that time.
    At most one query (the resource's site)."""
    if resource_pk is not None:
        site_pk = _site_of(resource_pk)[0]
        removed = RemovedTime(start=start, end=end, resource_pk=resource_pk)
    elif site_pk is not None:
        removed = RemovedTime(start=start, end=end, site_pk=site_pk)
    else:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    return HoursChange(
        kind=CLOSURE,
        site_pk=site_pk,
        resource_pk=resource_pk,
        reason=reason,
        start=start,
        end=end,
        removed=(removed,),
    )


def deactivation_change(*, resource_pk: int, now: datetime, reason: str = "") -> HoursChange:
    """The resource made inactive: from `now` on, none of its time is bookable (nothing removed
    when it is inactive already). One query."""
    site_pk, active = _site_of(resource_pk)
    removed = (RemovedTime(start=now, resource_pk=resource_pk),) if active else ()
    return HoursChange(
        kind=DEACTIVATION,
        site_pk=site_pk,
        resource_pk=resource_pk,
        reason=reason,
        start=now,
        removed=removed,
    )


def _aware(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def date_exception_change(
    *,
    day: date,
    kind: str,
    intervals: Sequence[tuple[time, time]] = (),
    reason: str = "",
    site_pk: int | None = None,
    resource_pk: int | None = None,
) -> HoursChange:
    """A date exception of the site (or of the resource) on the local `day`, replacing the one
    there may be: it removes the time open that day now and no longer with it (a `closed` day,
    shorter hours; `regular` or longer hours remove nothing). `kind` NO_EXCEPTION: the date's
    exception taken away (deleted, or moved to another date). Four queries at most (the
    resource's site, the site with its week, its active resources with their own weeks, the
    date exceptions around the day)."""
    if resource_pk is not None:
        site_pk = _site_of(resource_pk)[0]
    if site_pk is None:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    sites = load_sites(Q(pk=site_pk))
    if not sites:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    site = sites[0]
    tz = ZoneInfo(site.policy.timezone)
    wall = [WallInterval(opens, closes) for opens, closes in intervals]
    if resource_pk is None:
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        load_date_exceptions(sites, midnight, midnight + timedelta(days=1))
        seconds = removed_by_site_exception(
            day=day,
            kind=kind,
            intervals=wall,
            tz=tz,
            week=site.hours,
            dates=site.dates,
            holiday=day in site.holidays,
        )
        removed = tuple(
            RemovedTime(start=_aware(s), end=_aware(e), site_pk=site_pk) for s, e in seconds
        )
    else:
        load_resources(sites, None)
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        load_date_exceptions(sites, midnight, midnight + timedelta(days=1))
        resource = next((r for r in site.resources if r.info.pk == resource_pk), None)
        seconds = []
        if resource is not None:  # an inactive resource has no bookable time to lose
            dated = resource.dated
            seconds = removed_by_resource_exception(
                day=day,
                kind=kind,
                intervals=wall,
                tz=tz,
                site_hours=site.effective_hours(),
                own_week=resource.hours,
                own_dates=dict(dated.dates) if isinstance(dated, DatedHours) else {},
            )
        removed = tuple(
            RemovedTime(start=_aware(s), end=_aware(e), resource_pk=resource_pk) for s, e in seconds
        )
    return HoursChange(
        kind=EXCEPTION,
        site_pk=site_pk,
        resource_pk=resource_pk,
        reason=reason,
        day=day,
        exception_kind=kind,
        intervals=tuple(intervals),
        removed=removed,
    )
