"""Placing one booking: the site read once, the free resources at a start ranked by preference
(one read of resources, closures and busy time), and the re-check of one resource's busy time
after its lock (one small query). Bookings takes the locks; the database constraint has the last
word."""

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
from scheduling.domain.hours import WallInterval
from scheduling.domain.ports import busy_intervals
from scheduling.domain.values import BusyInterval, ResourceInfo, SitePolicy
from scheduling.domain.wallclock import (
    FIRST_DAY,
    LAST_DAY,
    day_in_range,
    local_date,
    same_instant,
    skipped_wall_time,
)
from scheduling.selectors.availability import compute
from scheduling.selectors.calendars import SiteCalendar, load_sites


@dataclass(frozen=True)
class BookableSite:
    """A site's policy and weekly hours, read once and reused by the steps of one booking."""

    policy: SitePolicy
    latitude: float | None
    longitude: float | None
    hours: Mapping[int, tuple[WallInterval, ...]]

    def without_notice(self) -> BookableSite:
        """The same site with no minimum notice: an operator's explicit override for a walk-in
        (docs/rules/bookings.md, "Inside the minimum notice"). Starts must still be on the grid,
        in the hours, free, and not in the past."""
        return replace(self, policy=replace(self.policy, min_notice_minutes=0))

    def calendar(self) -> SiteCalendar:
        """A fresh calendar (the loaders attach resources and closures to it)."""
        return SiteCalendar(
            policy=self.policy,
            latitude=self.latitude,
            longitude=self.longitude,
            hours={weekday: list(spans) for weekday, spans in self.hours.items()},
        )


def bookable_site(*, site_id: UUID | None = None, pk: int | None = None) -> BookableSite | None:
    """One query: the site with its opening hours, by public id or by pk; None when unknown."""
    found = load_sites(Q(public_id=site_id) if site_id is not None else Q(pk=pk))
    if not found:
        return None
    site = found[0]
    return BookableSite(
        policy=site.policy,
        latitude=site.latitude,
        longitude=site.longitude,
        hours={weekday: tuple(spans) for weekday, spans in site.hours.items()},
    )


NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"


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
) -> list[ResourceInfo]:
    """The resources free at exactly `start` under every rule of SPEC §5 (grid, hours, closures,
    busy time, notice, horizon, skill), best first: the fewest booked minutes that local day
    (every booking that holds or held the resource that day: in progress, completed and no-show
    ones too), then the name; empty when none. Three queries: resources, closures, the day's
    booked time. A booking locks them in this order, re-checks each with `resource_is_free` and
    takes the first still free (the one resource assignment)."""
    calendar = site.calendar()
    tz = ZoneInfo(site.policy.timezone)
    day = local_date(int(start.timestamp()), tz)
    day_start = window_rules.local_midnight(day, tz)
    day_end = window_rules.local_midnight(day + timedelta(days=1), tz)
    found, booked_time = compute(
        [calendar],
        requirements,
        start,
        start.astimezone(UTC) + timedelta(microseconds=1),
        resolve_now(now),
        ignore_busy=ignore_busy,
        booked_from=day_start,
        booked_until=day_end,
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
