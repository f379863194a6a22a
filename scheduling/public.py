"""What other apps may use of scheduling: a site's booking policy, the free resources at a start
ranked in the order a booking takes them (the one resource assignment), the free starts of a
period (reschedule), and the ports that bookings provides (busy time, held time). Values in and
out: ids, aware datetimes, frozen dataclasses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from uuid import UUID

from core.errors import NotFound
from pricing.public import ServiceRequirements
from scheduling.domain.engine import FreeStart
from scheduling.domain.opening import ResourceOpening
from scheduling.domain.ports import busy_intervals, held_intervals
from scheduling.domain.siteday import ClosedSpan, ResourceDay, SiteDay, TimeSpan
from scheduling.domain.values import BusyInterval, HeldInterval, ResourceInfo, SitePolicy
from scheduling.selectors import availability, board, opening, people, placement, sites
from scheduling.selectors.placement import BookableSite
from scheduling.selectors.sites import resource_choices

__all__ = [
    "BookableSite",
    "BusyInterval",
    "ClosedSpan",
    "FreeStart",
    "HeldInterval",
    "ResourceDay",
    "ResourceInfo",
    "ResourceOpening",
    "SiteDay",
    "SitePolicy",
    "TimeSpan",
    "available_starts",
    "bookable_site",
    "busy_intervals",
    "check_start_exists",
    "held_intervals",
    "ranked_free_resources",
    "resource_choices",
    "resource_is_free",
    "resource_pks_of_technician",
    "site_address",
    "site_by_reference",
    "site_day",
    "site_policies",
    "site_policy",
    "site_policy_by_pk",
    "site_timezone",
    "week_openings",
]


def site_policy(*, site_id: UUID) -> SitePolicy:
    """The site by public id; NotFound (site_not_found) when there is none."""
    policy = sites.site_policy(site_id=site_id)
    if policy is None:
        raise NotFound(code="site_not_found")
    return policy


def site_policy_by_pk(pk: int) -> SitePolicy:
    policy = sites.site_policy(pk=pk)
    if policy is None:
        raise NotFound(code="site_not_found")
    return policy


def site_by_reference(reference: str) -> SitePolicy | None:
    """A site by public id, else by name whatever its case (staff typing at a terminal)."""
    return sites.site_by_reference(reference)


def site_timezone(site_id: UUID) -> str | None:
    """The site's IANA timezone name, None for an unknown site (provided to pricing)."""
    return sites.site_timezone(site_id)


def site_policies() -> list[SitePolicy]:
    """Every site, by name (the back-office's site choice)."""
    return board.site_policies()


def site_day(*, site_pk: int, day: date) -> SiteDay:
    """The site's local `day` (midnight to midnight on its clock) for the planning board: its
    opening spans, each resource's (own hours narrowing the site's; inactive resources too) and
    the closures overlapping the day, all as aware datetimes on the site's clock, so that a
    daylight-saving day is right. Three queries. NotFound (site_not_found)."""
    found = board.site_day(site_pk=site_pk, day=day)
    if found is None:
        raise NotFound(code="site_not_found")
    return found


def available_starts(
    *,
    site_pk: int,
    requirements: ServiceRequirements,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
) -> list[FreeStart]:
    """Free starts in [start, end) in time order, each with the pks of the free resources; starts
    are aware datetimes on the site's clock. No limit on the period: keep it short."""
    return availability.available_starts(
        site_pk=site_pk,
        requirements=requirements,
        start=start,
        end=end,
        now=now,
        ignore_busy=ignore_busy,
    )


def resource_pks_of_technician(*, user_id: int) -> list[int]:
    """The resources whose linked technician account is `user_id` (bookings: who works what)."""
    return people.resource_pks_of_technician(user_id)


def site_address(site_pk: int) -> str:
    """The site's postal address ("" when unknown), for e-mails and calendar events."""
    return people.site_address(site_pk)


def week_openings(*, now: datetime) -> list[ResourceOpening]:
    """Each active resource's open minutes over the ISO week (Monday to Sunday on its site's
    clock) that contains `now`: the site's hours, narrowed by the resource's own, less the
    closures of both. By site name, then resource name; three queries in all."""
    return opening.week_openings(now=now)


def bookable_site(*, site_id: UUID | None = None, pk: int | None = None) -> BookableSite:
    """The site (by public id, else pk) with its policy and weekly hours, in one query, to pass
    to `ranked_free_resources` (one booking reads its site once). NotFound (site_not_found)."""
    site = placement.bookable_site(site_id=site_id, pk=pk)
    if site is None:
        raise NotFound(code="site_not_found")
    return site


def check_start_exists(*, site: BookableSite, start: datetime) -> None:
    """Refuses a start written as a wall time that the site's clock skips (the hour the clocks go
    forward) with one of the site's offsets: ValidationFailed (nonexistent_local_time, 400). The
    same instant written in another offset (UTC, say) passes."""
    placement.check_start_exists(site=site, start=start)


def ranked_free_resources(
    *,
    site: BookableSite,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
) -> list[ResourceInfo]:
    """The resources free at exactly `start` under every rule of SPEC §5 (grid, hours, closures,
    busy time, notice, horizon, skill), best first: the fewest booked minutes that local day,
    then the name; empty when none. Three queries. A booking locks them in this order, re-checks
    each with `resource_is_free` and takes the first still free. `ignore_busy`: busy intervals to
    disregard, e.g. the booking being rescheduled."""
    return placement.ranked_free_resources(
        site=site, requirements=requirements, start=start, now=now, ignore_busy=ignore_busy
    )


def resource_is_free(
    *,
    resource_pk: int,
    start: datetime,
    until: datetime,
    ignore_busy: Collection[BusyInterval] = (),
) -> bool:
    """No active booking (other than those in `ignore_busy`) blocks the resource anywhere in
    [start, until): one query, for the re-check after the resource's lock. Closures and hours
    are not re-checked (the ranking read them)."""
    return placement.resource_is_free(
        resource_pk=resource_pk, start=start, until=until, ignore_busy=ignore_busy
    )
