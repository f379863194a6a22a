"""What other apps may use of scheduling: a site's booking policy and day, the free resources at a
start ranked in the order a booking takes them (the one resource assignment) with the re-check
after a lock and the refusal of a start the site's clock skips, the free starts of a period
(reschedule), and the ports that bookings provides (busy time, held time; a booking hands in the
held time it read with its own rows: held_window, HeldTime). Values in and out:
ids, aware datetimes, frozen dataclasses, re-exported as the selectors give them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from core.errors import NotFound
from pricing import public as pricing
from pricing.public import PricingErrorCode
from scheduling.domain.changes import HoursChange, RemovedTime
from scheduling.domain.codes import SchedulingErrorCode
from scheduling.domain.engine import FreeStart
from scheduling.domain.explain import Booked, Reason
from scheduling.domain.hours import parse_intervals
from scheduling.domain.opening import ResourceOpening
from scheduling.domain.ports import (
    active_bookings_hit,
    booked_intervals,
    busy_intervals,
    busy_seconds,
    held_intervals,
)
from scheduling.domain.refusals import StartRefused, one_resource_reasons, reason_line
from scheduling.domain.siteday import ClosedSpan, ResourceDay, SiteDay, TimeSpan
from scheduling.domain.values import (
    BusyInterval,
    HeldInterval,
    HeldTime,
    HeldWindow,
    ResourceInfo,
    SitePolicy,
)
from scheduling.domain.wallclock import FIRST_DAY, LAST_DAY
from scheduling.selectors import explain as explain_selectors
from scheduling.selectors import placement, requirements
from scheduling.selectors.availability import available_starts
from scheduling.selectors.board import BoardSite, board_sites, site_day, site_policies
from scheduling.selectors.changes import closure_change, date_exception_change, deactivation_change
from scheduling.selectors.explain import StartExplanation, energy_refusal
from scheduling.selectors.opening import period_openings, week_openings
from scheduling.selectors.people import resource_pks_of_technician, site_address
from scheduling.selectors.placement import (
    BookableSite,
    check_start_exists,
    held_window,
    ranked_free_resources,
    resource_is_free,
)
from scheduling.selectors.sites import (
    active_resource_choices,
    resource_choices,
    site_by_reference,
    site_policy_by_pk,
    site_timezone,
)
from scheduling.services import check_exception, closure_add, hours_change_save

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "BoardSite",
    "BookableSite",
    "Booked",
    "BusyInterval",
    "ClosedSpan",
    "FreeStart",
    "HeldInterval",
    "HeldTime",
    "HeldWindow",
    "HoursChange",
    "Reason",
    "RemovedTime",
    "ResourceDay",
    "ResourceInfo",
    "ResourceOpening",
    "SchedulingErrorCode",
    "SiteDay",
    "SitePolicy",
    "StartExplanation",
    "StartRefused",
    "TimeSpan",
    "active_bookings_hit",
    "active_resource_choices",
    "available_starts",
    "board_sites",
    "bookable_site",
    "booked_intervals",
    "busy_intervals",
    "busy_seconds",
    "check_exception",
    "check_start_exists",
    "closure_add",
    "closure_change",
    "date_exception_change",
    "deactivation_change",
    "energy_refusal",
    "explain_resource_start",
    "held_intervals",
    "held_window",
    "hours_change_save",
    "one_resource_reasons",
    "parse_intervals",
    "period_openings",
    "ranked_free_resources",
    "reason_line",
    "resource_choices",
    "resource_is_free",
    "resource_pks_of_technician",
    "site_address",
    "site_by_reference",
    "site_day",
    "site_policies",
    "site_policy_by_pk",
    "site_timezone",
    "start_refusal",
    "week_openings",
]


def bookable_site(*, site_id: UUID | None = None, pk: int | None = None) -> BookableSite:
    """The site (by public id, else pk) with its policy and weekly hours and its active resources
    (their hours and skills), in one query, to pass to `ranked_free_resources` (one booking reads
    its site once). NotFound (site_not_found)."""
    site = placement.bookable_site(site_id=site_id, pk=pk)
    if site is None:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    return site


def start_refusal(
    *,
    site: BookableSite,
    requirements: pricing.ServiceRequirements,
    start: datetime,
    now: datetime,
    operator: bool,
    ignore_busy: Collection[BusyInterval] = (),
    resource_pk: int | None = None,
) -> StartRefused | None:
    """Why no resource (or not `resource_pk`) can take `start` (four queries; only on a
    refusal): the refusal to raise, with the first reason's code; None when the start is free
    after all (then it is a lost race: slot_unavailable)."""
    return explain_selectors.start_refusal(
        calendar=site.calendar(),
        requirements=requirements,
        start=start,
        now=now,
        operator=operator,
        ignore_busy=ignore_busy,
        resource_pk=resource_pk,
    )


def explain_resource_start(
    *,
    site_pk: int,
    resource_pk: int,
    service_code: str,
    category: str,
    start: datetime,
    now: datetime | None = None,
) -> StartExplanation:
    """Why `start` is (not) free on one resource for a service and vehicle category, as an
    operator sees it (the planning board's empty cell): the explanation (scheduling.domain.
    explain: every reason, the nearest offered starts of that resource) and the resource's
    info. The service read (pricing), then four queries. NotFound (site_not_found,
    service_not_found), ValidationFailed (an unknown category, a skipped wall time)."""
    req = requirements.requirements_for(service_code=service_code, category=category)
    return explain_selectors.explain_resource_start(
        site_pk=site_pk, resource_pk=resource_pk, requirements=req, start=start, now=now
    )
