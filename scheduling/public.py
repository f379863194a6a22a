"""What other apps may use of scheduling: a site's booking policy, the free resources at a start,
the deterministic resource assignment, the free starts of a period (reschedule), and the busy-time
port that bookings provides. Values in and out: ids, aware datetimes, frozen dataclasses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from core.errors import NotFound
from pricing.public import ServiceRequirements
from scheduling.domain.engine import FreeStart
from scheduling.domain.ports import busy_intervals
from scheduling.domain.values import BusyInterval, ResourceInfo, SitePolicy
from scheduling.selectors import availability, people, sites

__all__ = [
    "BusyInterval",
    "FreeStart",
    "ResourceInfo",
    "SitePolicy",
    "assign_resource",
    "available_starts",
    "busy_intervals",
    "free_resources",
    "resource_pks_of_technician",
    "site_address",
    "site_by_reference",
    "site_policy",
    "site_policy_by_pk",
    "site_timezone",
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


def free_resources(
    *,
    site_pk: int,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
) -> list[ResourceInfo]:
    """The resources that could take the service at exactly `start` under every rule of SPEC §5
    (grid, hours, closures, busy time, notice, horizon, skill), in name order. `ignore_busy`: busy
    intervals to disregard, e.g. the booking being rescheduled."""
    return availability.free_resources(
        site_pk=site_pk, requirements=requirements, start=start, now=now, ignore_busy=ignore_busy
    )


def assign_resource(
    *,
    site_pk: int,
    requirements: ServiceRequirements,
    start: datetime,
    now: datetime | None = None,
    ignore_busy: Collection[BusyInterval] = (),
) -> ResourceInfo:
    """The resource a booking at `start` gets: among the free ones, the fewest booked minutes that
    local day, then the name. Conflict(code="slot_unavailable") when none is free. Bookings calls
    it inside its transaction, after taking its lock, and the database constraint has the last
    word."""
    return availability.assign_resource(
        site_pk=site_pk, requirements=requirements, start=start, now=now, ignore_busy=ignore_busy
    )


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
