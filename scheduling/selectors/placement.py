"""Placing one booking: the site read once with its active resources (their hours and skills),
the free resources at a start ranked by preference (one read of closures and date exceptions, and
the day's held time, which the caller may hand in from a read of its own), and the re-check of one
resource's busy time after its lock (one small query). Bookings takes the locks; the database
constraint has the last word."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import ValidationFailed
from pricing.public import ServiceRequirements
from scheduling.domain import window as window_rules
from scheduling.domain.assignment import booked_seconds, pick_resource
from scheduling.domain.codes import SchedulingErrorCode
from scheduling.domain.hours import WallInterval
from scheduling.domain.ports import busy_intervals, held_intervals
from scheduling.domain.values import (
    BusyInterval,
    HeldInterval,
    HeldTime,
    HeldWindow,
    ResourceInfo,
    SitePolicy,
)
from scheduling.domain.wallclock import (
    FIRST_DAY,
    LAST_DAY,
    day_in_range,
    local_date,
    same_instant,
    skipped_wall_time,
)
from scheduling.selectors.availability import compute, job_for
from scheduling.selectors.calendars import (
    ResourceCalendar,
    SiteCalendar,
    load_resources,
    load_sites_with_resources,
)


@dataclass(frozen=True)
class SiteResource:
    """An active resource of a bookable site, with its skills and its own weekly hours (None:
    the site's)."""

    info: ResourceInfo
    skills: frozenset[str]
    hours: Mapping[int, tuple[WallInterval, ...]] | None


@dataclass(frozen=True)
class BookableSite:
    """A site's policy and weekly hours, with its active resources (None: not read), read once
    and reused by the steps of one booking."""

    policy: SitePolicy
    latitude: float | None
    longitude: float | None
    hours: Mapping[int, tuple[WallInterval, ...]]
    resources: tuple[SiteResource, ...] | None = None

    def without_notice(self) -> BookableSite:
        """The same site with no minimum notice: an operator's explicit override for a walk-in
        (docs/rules/bookings.md, "Inside the minimum notice"). Starts must still be on the grid,
        in the hours, free, and not in the past."""
        return replace(self, policy=replace(self.policy, min_notice_minutes=0))

    def calendar(self) -> SiteCalendar:
        """A fresh calendar, without resources (the loaders attach resources and closures)."""
        return SiteCalendar(
            policy=self.policy,
            latitude=self.latitude,
            longitude=self.longitude,
            hours={weekday: list(spans) for weekday, spans in self.hours.items()},
        )

    def skilled(self, required_skill: str | None) -> list[SiteResource] | None:
        """The active resources that have `required_skill` (all of them for None), by name;
        None when the resources were not read with the site."""
        if self.resources is None:
            return None
        if required_skill is None:
            return list(self.resources)
        return [r for r in self.resources if required_skill in r.skills]

    def calendar_for(self, required_skill: str | None) -> SiteCalendar:
        """A fresh calendar with the resources that have `required_skill` (read now when they
        were not read with the site: one query)."""
        calendar = self.calendar()
        skilled = self.skilled(required_skill)
        if skilled is None:
            load_resources([calendar], required_skill)
            return calendar
        calendar.resources = [
            ResourceCalendar(
                info=r.info,
                skills=r.skills,
                hours=None
                if r.hours is None
                else {weekday: list(spans) for weekday, spans in r.hours.items()},
            )
            for r in skilled
        ]
        return calendar


def bookable_site(*, site_id: UUID | None = None, pk: int | None = None) -> BookableSite | None:
    """One query: the site with its opening hours and its active resources (their own hours,
    their skills), by public id or by pk; None when unknown."""
    found = load_sites_with_resources(
        Q(public_id=site_id) if site_id is not None else Q(pk=pk), None, every_skill=True
    )
    if not found:
        return None
    site = found[0]
    return BookableSite(
        policy=site.policy,
        latitude=site.latitude,
        longitude=site.longitude,
        hours={weekday: tuple(spans) for weekday, spans in site.hours.items()},
        resources=tuple(
            SiteResource(
                info=r.info,
                skills=r.skills,
                hours=None
                if r.hours is None
                else {weekday: tuple(spans) for weekday, spans in r.hours.items()},
            )
            for r in site.resources
        ),
    )


def _local_day(site: BookableSite, start: datetime) -> tuple[datetime, datetime]:
    """The local day of `start` on the site's clock, as aware midnights (DST-proof)."""
    tz = ZoneInfo(site.policy.timezone)
    day = local_date(int(start.timestamp()), tz)
    return window_rules.local_midnight(day, tz), window_rules.local_midnight(
        day + timedelta(days=1), tz
    )


def _window(
    resource_pks: tuple[int, ...],
    requirements: ServiceRequirements,
    start: datetime,
    day: tuple[datetime, datetime],
) -> HeldWindow:
    """The time the ranking reads: the local day (booked minutes) and the job's own time from
    `start` (busy time), on the UTC clock."""
    job = job_for(requirements)
    start = start.astimezone(UTC)
    until = start + timedelta(
        microseconds=1, minutes=job.duration_minutes + job.buffer_after_minutes
    )
    return HeldWindow(
        resource_pks=resource_pks,
        start=min(start, day[0].astimezone(UTC)),
        end=max(until, day[1].astimezone(UTC)),
    )


def held_window(
    *, site: BookableSite, requirements: ServiceRequirements, start: datetime
) -> HeldWindow | None:
    """What `ranked_free_resources` at `start` needs of the bookings: the resources that may
    take the service and the window of their held time (the local day and the job), for a
    caller that reads the bookings anyway to hand it in (`held=`); None when the site was read
    without its resources (the ranking then reads it itself)."""
    skilled = site.skilled(requirements.required_skill)
    if skilled is None:
        return None
    pks = tuple(r.info.pk for r in skilled)
    return _window(pks, requirements, start, _local_day(site, start))


NONEXISTENT_LOCAL_TIME = SchedulingErrorCode.NONEXISTENT_LOCAL_TIME


def check_start_exists(*, site: BookableSite, start: datetime) -> None:
    """A start written as a wall time the site's clock skips (spring forward), with one of the
    site's offsets, is refused: taken as the instant its offset names, it would be booked at
    another time than the one its writer read (docs/rules/scheduling.md, "Daylight-saving time").
    ValidationFailed (nonexistent_local_time). A start out of the calendar's days (FIRST_DAY to
    LAST_DAY, as written) is a ValidationFailed too: near year 1 or 9999 no instant computes."""
    if not day_in_range(start.date()):
        message = _(
            "%(time)s is out of the calendar: choose a start between %(first)s and %(last)s."
        ) % {"time": start.isoformat(), "first": FIRST_DAY, "last": LAST_DAY}
        raise ValidationFailed(message, details={"start": [message]})
    if not skipped_wall_time(start, ZoneInfo(site.policy.timezone)):
        return
    message = _(
        "%(time)s does not exist on the site's clock (%(timezone)s): the clocks go forward over "
        "it. Choose one of the offered start times."
    ) % {"time": start.replace(tzinfo=None).isoformat(), "timezone": site.policy.timezone}
    raise ValidationFailed(message, code=NONEXISTENT_LOCAL_TIME, details={"start": [message]})


def ranked_free_resources(
    *,
    site: BookableSite,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
    held: HeldTime | None = None,
) -> list[ResourceInfo]:
    """The resources free at exactly `start` under every rule of SPEC §5 (grid, hours, closures,
    busy time, notice, horizon, skill), best first: the fewest booked minutes that local day
    (every booking that holds or held the resource that day: in progress, completed and no-show
    ones too), then the name; empty when none. On a site read with its resources: one query
    (closures and date exceptions) and, unless `held` answers `held_window` for the same start
    (read by the caller with its own rows), the day's held time. A booking locks them in this
    order, re-checks each with `resource_is_free` and takes the first still free (the one
    resource assignment)."""
    calendar = site.calendar_for(requirements.required_skill)
    day = _local_day(site, start)
    day_start, day_end = day
    window = _window(tuple(r.info.pk for r in calendar.resources), requirements, start, day)
    intervals: Collection[HeldInterval]
    if held is not None and held.window == window:
        intervals = held.intervals
    elif window.resource_pks:
        intervals = held_intervals(window.resource_pks, window.start, window.end)
    else:
        intervals = ()
    found, booked_time = compute(
        [calendar],
        requirements,
        start,
        start.astimezone(UTC) + timedelta(microseconds=1),
        resolve_now(now),
        ignore_busy=ignore_busy,
        held=list(intervals),
        resources_loaded=True,
    )
    starts = found[site.policy.pk]
    free = set(starts[0].resources) if starts and same_instant(starts[0].start, start) else set()
    infos = {r.info.pk: r.info for r in calendar.resources if r.info.pk in free}
    booked = booked_seconds(booked_time, day_start, day_end)
    ranked: list[ResourceInfo] = []
    remaining = [(info.pk, info.name) for info in infos.values()]
    while remaining:  # a handful of resources: pick_resource itself defines the order
        best = pick_resource(remaining, booked)
        ranked.append(infos[best])
        remaining = [candidate for candidate in remaining if candidate[0] != best]
    return ranked


def resource_is_free(
    *,
    resource_pk: int,
    start: datetime,
    until: datetime,
    ignore_busy: Collection[BusyInterval] = (),
) -> bool:
    """No active booking blocks the resource over [start, until) (one query). Read after taking
    the resource's lock, it sees every booking committed on it."""
    ignored = {interval.in_utc() for interval in ignore_busy}
    start, until = start.astimezone(UTC), until.astimezone(UTC)
    return not any(
        interval.in_utc() not in ignored and interval.start < until and interval.end > start
        for interval in busy_intervals([resource_pk], start, until)
    )
