"""Suggestions: the next free starts over the sites near a customer, ordered by start time then
distance. The search runs forward in windows that double (7, 14, 28, ... days) until enough starts
are found or every site's horizon is passed, each window costing three queries whatever the number
of sites (resources are read once)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from core.clock import resolve_now
from pricing.public import ServiceRequirements
from scheduling.domain.engine import Job, free_starts
from scheduling.domain.geo import Distance, GeoPoint, GreatCircle
from scheduling.domain.preferences import matches
from scheduling.domain.values import SitePolicy
from scheduling.domain.wallclock import later
from scheduling.selectors.availability import job_for
from scheduling.selectors.calendars import (
    SiteCalendar,
    load_busy,
    load_closures,
    load_resources,
    load_sites,
)

FIRST_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Suggestion:
    start: datetime  # site-local
    end: datetime
    site: SitePolicy
    distance_km: float
    free_resources: int


def _nearby(
    origin: GeoPoint, radius_km: float, distance: Distance
) -> list[tuple[SiteCalendar, float]]:
    found = []
    for site in load_sites(Q(latitude__isnull=False, longitude__isnull=False)):
        assert site.latitude is not None
        assert site.longitude is not None
        km = distance.km(origin, GeoPoint(site.latitude, site.longitude))
        if km <= radius_km:
            found.append((site, km))
    return found


def _clear_window_data(sites: list[SiteCalendar]) -> None:
    for site in sites:
        site.closures.clear()
        for resource in site.resources:
            resource.closures.clear()


def suggest(
    *,
    requirements: ServiceRequirements,
    origin: GeoPoint,
    radius_km: float,
    after: datetime | None = None,
    parts: Collection[str] = (),
    weekdays: Collection[int] = (),
    limit: int = 10,
    now: datetime | None = None,
    distance: Distance | None = None,
) -> list[Suggestion]:
    moment = resolve_now(now).astimezone(UTC)  # UTC: arithmetic on zoned datetimes is wall-clock
    start = max((after or moment).astimezone(UTC), moment)
    nearby = _nearby(origin, radius_km, distance or GreatCircle())
    if not nearby or limit <= 0:
        return []
    sites = [site for site, _km in nearby]
    km_by_site = {site.policy.pk: km for site, km in nearby}
    load_resources(sites, requirements.required_skill)
    job: Job = job_for(requirements)
    tail = timedelta(minutes=job.duration_minutes + job.buffer_after_minutes)
    last = max(moment + timedelta(days=site.policy.horizon_days) for site in sites)
    found: list[Suggestion] = []
    length = timedelta(days=FIRST_WINDOW_DAYS)
    while start <= last and len(found) < limit:
        end = min(start + length, last + timedelta(seconds=1))
        _clear_window_data(sites)
        load_closures(sites, start, end + tail)
        busy = load_busy(sites, start, end + tail)
        for site in sites:
            for free in free_starts(
                site=site.schedule(),
                resources=[r.schedule() for r in site.resources],
                busy=busy,
                job=job,
                window_start=start,
                window_end=end,
                now=moment,
            ):
                if matches(free.start, parts=parts, weekdays=weekdays):
                    found.append(
                        Suggestion(
                            start=free.start,
                            end=later(free.start, job.duration_minutes),
                            site=site.policy,
                            distance_km=km_by_site[site.policy.pk],
                            free_resources=len(free.resources),
                        )
                    )
        start, length = end, length * 2
    found.sort(key=lambda s: (s.start, s.distance_km, s.site.name))
    return found[:limit]
