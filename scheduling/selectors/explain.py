"""Explaining one start: the site's calendar around it read in four queries whatever the number
of resources or bookings (the site with its hours, the compatible resources with their own hours,
the closures, the booked-time port), then the domain's explanation (scheduling.domain.explain) and
the engine's free starts within a week on either side for the nearest offered ones."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import NotFound
from pricing.public import PricingErrorCode, ServiceRequirements
from scheduling.domain.engine import free_starts
from scheduling.domain.explain import Explanation, Finding, Reason, explain_start
from scheduling.domain.ports import booked_intervals
from scheduling.domain.refusals import StartRefused
from scheduling.domain.values import BusyInterval, ResourceInfo, SitePolicy
from scheduling.selectors.availability import job_for
from scheduling.selectors.calendars import SiteCalendar, load_closures, load_resources, load_sites
from scheduling.selectors.placement import BookableSite, check_start_exists

# How far the nearest offered starts are looked for, on either side.
REACH = timedelta(days=7)


@dataclass(frozen=True)
class StartExplanation:
    policy: SitePolicy
    requirements: ServiceRequirements
    explanation: Explanation
    resources: dict[int, ResourceInfo]  # the compatible resources by pk (operators see them)
    resource_pk: int | None = None  # explained for that one resource only


def explain_on(
    calendar: SiteCalendar,
    *,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime,
    energy_supported: bool = True,
    ignore_busy: Collection[BusyInterval] = (),
    resource_pk: int | None = None,
) -> StartExplanation:
    """Queries 2 to 4 on a site calendar read by query 1. `resource_pk`: the start on that one
    resource only (the planning board's cell, a move to a chosen resource); the nearest offered
    starts are then that resource's."""
    sites = [calendar]
    job = job_for(requirements)
    moment = start.astimezone(UTC)
    low, high = moment - REACH, moment + REACH
    work = timedelta(minutes=job.duration_minutes)
    load_resources(sites, requirements.required_skill)
    if resource_pk is not None:
        calendar.resources = [r for r in calendar.resources if r.info.pk == resource_pk]
    load_closures(sites, low, high + work)
    pks = [r.info.pk for r in calendar.resources]
    booked = (
        booked_intervals(pks, low, high + work + timedelta(minutes=job.buffer_after_minutes))
        if pks
        else []
    )
    if ignore_busy:  # a booking being moved does not block itself
        ignored = {interval.in_utc() for interval in ignore_busy}
        booked = [
            b
            for b in booked
            if BusyInterval(b.resource_key, b.start, b.blocked_until).in_utc() not in ignored
        ]
    site = calendar.schedule()
    resources = [resource.schedule() for resource in calendar.resources]
    offered = free_starts(
        site=site,
        resources=resources,
        busy=[(b.resource_key, b.start, b.blocked_until) for b in booked],
        job=job,
        window_start=low,
        window_end=high,
        now=now,
    )
    explanation = explain_start(
        site=site,
        resources=resources,
        booked=booked,
        job=job,
        start=start,
        now=now,
        energy_supported=energy_supported,
        offered=offered,
    )
    return StartExplanation(
        policy=calendar.policy,
        requirements=requirements,
        explanation=explanation,
        resources={r.info.pk: r.info for r in calendar.resources},
        resource_pk=resource_pk,
    )


def _site_for_start(
    where: Q, start: datetime, *, details: dict[str, Any] | None = None
) -> SiteCalendar:
    """The one site `where` picks, read for an explanation; NotFound (site_not_found) if none. A
    wall time the site's clock skips is refused as a booking refuses it (400)."""
    sites = load_sites(where)
    if not sites:
        raise NotFound(
            _("No site has this id."), code=PricingErrorCode.SITE_NOT_FOUND, details=details
        )
    site = sites[0]
    check_start_exists(
        site=BookableSite(policy=site.policy, latitude=None, longitude=None, hours={}),
        start=start,
    )
    return site


def explain_site_start(
    *,
    site_id: UUID,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
    energy_supported: bool = True,
) -> StartExplanation:
    """Why `start` is (not) offered at the site, in four queries. NotFound (site_not_found)."""
    return explain_on(
        _site_for_start(Q(public_id=site_id), start, details={"site": str(site_id)}),
        requirements=requirements,
        start=start,
        now=resolve_now(now),
        energy_supported=energy_supported,
    )


def explain_resource_start(
    *,
    site_pk: int,
    resource_pk: int,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
) -> StartExplanation:
    """Why `start` is (not) free on one resource of the site for a service (the planning
    board's cell), in four queries. NotFound (site_not_found); a skipped wall time is a
    ValidationFailed (nonexistent_local_time), as a booking refuses it."""
    return explain_on(
        _site_for_start(Q(pk=site_pk), start),
        requirements=requirements,
        start=start,
        now=resolve_now(now),
        resource_pk=resource_pk,
    )


def start_refusal(
    *,
    calendar: SiteCalendar,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime,
    operator: bool,
    ignore_busy: Collection[BusyInterval] = (),
    resource_pk: int | None = None,
) -> StartRefused | None:
    """The refusal of a start that no resource (or not `resource_pk`) could take, saying why;
    None when it is offered after all (a booking freed it meanwhile: the caller's refusal is then
    the lost race)."""
    found = explain_on(
        calendar,
        requirements=requirements,
        start=start,
        now=now,
        ignore_busy=ignore_busy,
        resource_pk=resource_pk,
    )
    if found.explanation.offered:
        return None
    return StartRefused(
        found.explanation,
        operator=operator,
        infos=found.resources,
        one_resource=resource_pk is not None,
    )


def energy_refusal(*, operator: bool) -> StartRefused:
    """The service is not done on the vehicle's energy (pricing refuses it): no start can be."""
    return StartRefused(None, operator=operator, findings=(Finding(Reason.ENERGY_NOT_SUPPORTED),))
