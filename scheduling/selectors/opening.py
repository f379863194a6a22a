"""Open time of every active resource over some local days, in three queries whatever the number
of sites, resources, closures or days (the calendars' sites with their resources, one UNION ALL
read; the closures; the date exceptions)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from scheduling.domain.opening import ResourceOpening, iso_week, open_minutes, open_spans
from scheduling.selectors.calendars import load_closures, load_sites_with_resources


def week_openings(*, now: datetime) -> list[ResourceOpening]:
    """Each active resource's open minutes over the ISO week (Monday to Sunday on its site's
    clock) that contains `now`: the site's hours, narrowed by the resource's own, less the
    closures of both, date exceptions and public holidays applied. By site name, then resource
    name; three queries in all."""
    return _openings(Q(), lambda tz: iso_week(now, tz))


def period_openings(
    *, first: date, last: date, site_pk: int | None = None
) -> list[ResourceOpening]:
    """The same from `first` to `last` (inclusive, on each site's clock), for one site or all:
    the reports' utilisation. Three queries whatever the length of the period."""
    return _openings(Q() if site_pk is None else Q(pk=site_pk), lambda tz: (first, last))


def _openings(
    condition: Q, days_of: Callable[[ZoneInfo], tuple[date, date]]
) -> list[ResourceOpening]:
    sites = [site for site in load_sites_with_resources(condition, None) if site.resources]
    if not sites:
        return []
    periods = {site.policy.pk: days_of(ZoneInfo(site.policy.timezone)) for site in sites}
    # One closures query for every site: from the earliest first day to the latest last anywhere.
    window_start = datetime.combine(min(p[0] for p in periods.values()), time(0), tzinfo=UTC)
    window_end = datetime.combine(max(p[1] for p in periods.values()), time(0), tzinfo=UTC)
    load_closures(sites, window_start - timedelta(days=1), window_end + timedelta(days=2))
    openings: list[ResourceOpening] = []
    for site in sites:
        first, last = periods[site.policy.pk]
        tz = ZoneInfo(site.policy.timezone)
        site_closures = [(span.start, span.end) for span in site.closures]
        for resource in site.resources:
            spans = open_spans(
                first=first,
                last=last,
                tz=tz,
                site_hours=site.effective_hours(),
                resource_hours=resource.effective_hours(),
                closures=[*site_closures, *((s.start, s.end) for s in resource.closures)],
            )
            openings.append(
                ResourceOpening(
                    resource_pk=resource.info.pk,
                    resource_name=resource.info.name,
                    site_pk=site.policy.pk,
                    site_name=site.policy.name,
                    timezone=site.policy.timezone,
                    first=first,
                    last=last,
                    open_minutes=open_minutes(spans),
                )
            )
    return openings
