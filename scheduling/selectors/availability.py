"""Availability questions: the free starts of a site over a period, with the resources free at
each (placing one booking is scheduling.selectors.placement). Each runs the engine on calendars
read in at most four queries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import NotFound, ValidationFailed
from pricing.public import PricingErrorCode, ServiceRequirements
from scheduling.domain import window as window_rules
from scheduling.domain.engine import FreeStart, Job, free_starts
from scheduling.domain.exceptions import SpecialDay, special_days
from scheduling.domain.values import BusyInterval, HeldInterval, ResourceInfo, SitePolicy
from scheduling.domain.wallclock import ceil_seconds, floor_seconds
from scheduling.domain.window import Window, WindowError
from scheduling.selectors.calendars import (
    SiteCalendar,
    load_busy_seconds,
    load_closures,
    load_resources,
    load_sites_with_resources,
)


def _window_messages() -> dict[str, str]:
    return {
        window_rules.INVALID: _(
            "Enter a date (YYYY-MM-DD) or a date and time with its offset "
            "(ISO 8601, e.g. 2026-03-02T08:00:00+01:00)."
        ),
        window_rules.NAIVE: _(
            "Give the time with its UTC offset (e.g. +01:00 or Z): we cannot guess the clock."
        ),
        window_rules.OUT_OF_RANGE: _("Give a year between %(first)d and %(last)d.")
        % {"first": window_rules.MIN_YEAR, "last": window_rules.MAX_YEAR},
        window_rules.BEFORE_FROM: _("The end of the period must be after its start."),
        window_rules.TOO_LONG: _("The period may cover at most %(days)d days.")
        % {"days": window_rules.MAX_DAYS},
    }


def _invalid(error: WindowError) -> ValidationFailed:
    return ValidationFailed(details={error.field: [_window_messages()[error.code]]})


def parse_moment(field: str, raw: str) -> date | datetime:
    """A client's `from`/`to`: a date or an aware datetime; ValidationFailed otherwise."""
    try:
        return window_rules.parse_moment(field, raw)
    except WindowError as error:
        raise _invalid(error) from error


def resolve_window(start: date | datetime, end: date | datetime, timezone: str) -> Window:
    try:
        return window_rules.resolve_window(start, end, ZoneInfo(timezone))
    except WindowError as error:
        raise _invalid(error) from error


def job_for(requirements: ServiceRequirements) -> Job:
    return Job(
        duration_minutes=requirements.duration_minutes,
        buffer_after_minutes=requirements.buffer_after_minutes,
        required_skill=requirements.required_skill,
    )


def compute(
    sites: Sequence[SiteCalendar],
    requirements: ServiceRequirements,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    ignore_busy: Collection[BusyInterval] = (),
    held: Sequence[HeldInterval] | None = None,
    resources_loaded: bool = False,
) -> tuple[dict[int, list[FreeStart]], list[BusyInterval]]:
    """Free starts in [start, end) per site pk (queries 2 to 4), and the time read as busy.
    `ignore_busy` drops intervals (a booking being moved does not block itself). With `held` (an
    assignment, which also needs the day's booked minutes: every booking that holds or held the
    resources over the day and the job, read by the caller), the busy time is its active ones
    and no query 4 is made; the second value is all of it (done with or not). Without it the
    second value is empty (nothing needs it)."""
    # UTC first: adding minutes to a datetime on a zoneinfo clock would add wall-clock minutes.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if not resources_loaded:  # else load_sites_with_resources read them with the sites
        load_resources(sites, requirements.required_skill)
    job = job_for(requirements)
    closures_until = end + timedelta(minutes=job.duration_minutes)
    blocked_until = closures_until + timedelta(minutes=job.buffer_after_minutes)
    load_closures(sites, start, closures_until)
    busy: list[BusyInterval] = []
    seconds: list[tuple[int, int, int]] = []
    if held is not None:
        ignored = {interval.in_utc() for interval in ignore_busy}
        kept = [h for h in held if not ignored or h.busy().in_utc() not in ignored]
        booked = [h.busy() for h in kept]
        busy = [h.busy() for h in kept if h.active]
    else:
        # Epoch seconds straight from the read to the engine: no datetime is built per booking.
        seconds = load_busy_seconds(sites, start, blocked_until)
        if ignore_busy:
            dropped = {
                (i.resource_pk, floor_seconds(i.start), ceil_seconds(i.end)) for i in ignore_busy
            }
            seconds = [interval for interval in seconds if interval not in dropped]
        booked = []
    found = {
        site.policy.pk: free_starts(
            site=site.schedule(),
            resources=[resource.schedule() for resource in site.resources],
            busy=busy,
            busy_seconds=seconds,
            job=job,
            window_start=start,
            window_end=end,
            now=now,
        )
        for site in sites
    }
    return found, booked


@dataclass(frozen=True)
class SiteAvailability:
    policy: SitePolicy
    requirements: ServiceRequirements
    window: Window
    starts: list[FreeStart]
    resources: dict[int, ResourceInfo]  # by pk, for operators who ask which resources
    special_days: list[SpecialDay] = field(default_factory=list)  # holidays, date exceptions


def site_availability(
    *,
    site_id: UUID,
    requirements: ServiceRequirements,
    start: date | datetime,
    end: date | datetime,
    now: datetime | None = None,
) -> SiteAvailability:
    """The free starts of a site over a period of at most 31 local days (dates are read on the
    site's clock). NotFound (site_not_found) for an unknown site, ValidationFailed for a bad
    period."""
    sites = load_sites_with_resources(Q(public_id=site_id), requirements.required_skill)
    if not sites:
        raise NotFound(
            _("No site has this id."),
            code=PricingErrorCode.SITE_NOT_FOUND,
            details={"site": str(site_id)},
        )
    site = sites[0]
    window = resolve_window(start, end, site.policy.timezone)
    found, _busy = compute(
        sites, requirements, window.start, window.end, resolve_now(now), resources_loaded=True
    )
    tz = ZoneInfo(site.policy.timezone)
    last_day = (window.end - timedelta(microseconds=1)).astimezone(tz).date()
    return SiteAvailability(
        policy=site.policy,
        requirements=requirements,
        window=window,
        starts=found[site.policy.pk],
        resources={r.info.pk: r.info for r in site.resources},
        special_days=special_days(
            site.exceptions, site.holidays, window.start.astimezone(tz).date(), last_day
        ),
    )


def available_starts(
    *,
    site_pk: int,
    requirements: ServiceRequirements,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
    waive_notice: bool = False,
) -> list[FreeStart]:
    """Free starts in [start, end) in time order, each with the pks of the free resources;
    starts are aware datetimes on the site's clock. `ignore_busy`: busy intervals to disregard
    (the booking being rescheduled). `waive_notice`: starts inside the site's minimum notice
    count too (from now on), for an operator who may override it. No limit on the period: keep
    it short."""
    sites = load_sites_with_resources(Q(pk=site_pk), requirements.required_skill)
    if not sites:
        return []
    if waive_notice:
        for site in sites:
            site.policy = replace(site.policy, min_notice_minutes=0)
    found, _busy = compute(
        sites,
        requirements,
        start,
        end,
        resolve_now(now),
        ignore_busy=ignore_busy,
        resources_loaded=True,
    )
    return found[site_pk]


def parse_instant(field: str, raw: str) -> datetime:
    """An aware datetime; a bare date means its UTC midnight (there is no site clock yet)."""
    moment = parse_moment(field, raw)
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
