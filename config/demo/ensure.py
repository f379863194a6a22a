"""Found by its natural key, else made through the owning app's use case: what makes the demo data
set idempotent. Finding what an earlier run made is the demo's concern, so the apps' public APIs
offer no "ensure" for it; the composition root reads through the apps' selectors and writes
through their use cases (docs/adr/0006-demo-data-in-the-composition-root.md). `actor` None: the
system makes these."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Unpack

from accounts import public as accounts
from core.errors import NotFound
from pricing import public as pricing
from pricing import selectors as pricing_selectors
from pricing import services as pricing_services
from pricing.public import PricingErrorCode
from scheduling import public as scheduling
from scheduling import services as scheduling_services
from scheduling.public import SchedulingErrorCode
from scheduling.selectors import sites as site_selectors
from vehicles import public as vehicles
from vehicles import selectors as vehicle_selectors
from vehicles import services as vehicle_services

if TYPE_CHECKING:
    from scheduling.models import Resource
    from vehicles.models import Vehicle

Week = Mapping[int, Sequence[tuple[time, time]]]


def site(
    *, name: str, hours: Week, **settings: Unpack[scheduling_services.SiteSettings]
) -> tuple[scheduling.SitePolicy, bool]:
    """The site named `name` (whatever its case), created with its weekly opening hours (ISO
    weekday -> [(opens, closes), ...], local wall clock) and settings when there is none; an
    existing site is left as the back-office set it. ValidationFailed, Conflict (a race)."""
    existing = site_selectors.site_named(name)
    if existing is not None:
        return scheduling.site_policy_by_pk(existing.pk), False
    made = scheduling_services.site_create(name=name, actor=None, hours=hours, **settings)
    return scheduling.site_policy_by_pk(made.pk), True


def _resource_info(resource: Resource) -> scheduling.ResourceInfo:
    return scheduling.ResourceInfo(
        pk=resource.pk,
        id=resource.public_id,
        name=resource.name,
        kind=resource.kind,
        site_pk=resource.site_id,
        technician_user_id=resource.technician_id,
    )


def resource(
    *,
    site_pk: int,
    name: str,
    kind: str = "bay",
    skill_codes: Sequence[str] = (),
    technician_user_id: int | None = None,
    hours: Week | None = None,
) -> tuple[scheduling.ResourceInfo, bool]:
    """The site's resource named `name` (whatever its case), created when there is none with its
    kind, skills (the catalogue's codes), technician account and own narrower hours (None: the
    site's); an existing one is left untouched. NotFound (site_not_found, skill_not_found,
    user_not_found), ValidationFailed."""
    existing = site_selectors.resource_named(site_pk=site_pk, name=name)
    if existing is not None:
        return _resource_info(existing), False
    owner = site_selectors.site_by_pk(site_pk)
    if owner is None:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    made = scheduling_services.resource_create(
        site=owner,
        name=name,
        actor=None,
        kind=kind,
        skills=pricing.skill_pks(skill_codes),
        technician=(
            accounts.acting_user(technician_user_id) if technician_user_id is not None else None
        ),
        hours=hours,
    )
    return _resource_info(made), True


def closure(
    *,
    start: datetime,
    end: datetime,
    site_pk: int | None = None,
    resource_pk: int | None = None,
    reason: str = "",
) -> tuple[int, bool]:
    """A closure of a whole site or of one resource (exactly one of them) over [start, end),
    created unless that owner already has one with exactly these bounds (the reason is not part
    of the key). NotFound, ValidationFailed."""
    existing = site_selectors.closure_matching(
        site_pk=site_pk, resource_pk=resource_pk, start=start, end=end
    )
    if existing is not None:
        return existing.pk, False
    owner_site = owner_resource = None
    if site_pk is not None:
        owner_site = site_selectors.site_by_pk(site_pk)
        if owner_site is None:
            raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    if resource_pk is not None:
        owner_resource = site_selectors.resource_by_pk(resource_pk)
        if owner_resource is None:
            raise NotFound(code=SchedulingErrorCode.RESOURCE_NOT_FOUND)
    made = scheduling_services.closure_create(
        start=start,
        end=end,
        actor=None,
        site=owner_site,
        resource=owner_resource,
        reason=reason,
    )
    return made.pk, True


def price_rule(
    *,
    name: str,
    percentage: Decimal,
    weekdays: Collection[int] = (),
    start_time: time | None = None,
    end_time: time | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    service_codes: Collection[str] | None = None,
    priority: int = 100,
) -> tuple[int, bool]:
    """The price rule named `name` (the first by id: the back-office may repeat a name), created
    when there is none; an existing one is left as the back-office set it. `weekdays`: ISO
    numbers, empty = every day; `service_codes` None = all services. ValidationFailed, NotFound
    (service_not_found)."""
    existing = pricing_selectors.price_rule_named(name)
    if existing is not None:
        return existing.pk, False
    if service_codes is not None and not service_codes:
        raise NotFound(code=PricingErrorCode.SERVICE_NOT_FOUND, details={"services": []})
    made = pricing_services.price_rule_create(
        name=name,
        percentage=percentage,
        actor=None,
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_until=valid_until,
        all_services=service_codes is None,
        services=pricing_selectors.services_with_codes(service_codes or ()),
        priority=priority,
    )
    return made.pk, True


def promo_code(
    *,
    code: str,
    value: Decimal,
    kind: str = pricing.PROMO_PERCENT,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    max_redemptions: int | None = None,
    min_order_total: Decimal = Decimal("0.00"),
) -> tuple[int, bool]:
    """The promo code (whatever its case), created when there is none; an existing one is left
    untouched, its redemptions count included. ValidationFailed."""
    existing = pricing_selectors.promo_by_code(code)
    if existing is not None:
        return existing.pk, False
    made = pricing_services.promo_code_create(
        code=code,
        value=value,
        actor=None,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        max_redemptions=max_redemptions,
        min_order_total=min_order_total,
    )
    return made.pk, True


def vehicle(
    *,
    owner_id: int,
    plate: str,
    make: str,
    model: str,
    year: int,
    category: str,
    energy: str,
    nickname: str = "",
    colour: str = "",
    now: datetime | None = None,
) -> tuple[Vehicle, bool]:
    """The owner's active vehicle with this plate (whatever its spelling), registered by the
    owner through the API's use case when there is none; an existing one is left untouched. The
    use case's errors pass through."""
    found = vehicle_selectors.active_vehicle_with_plate(
        owner_id=owner_id, plate=vehicles.normalise_plate(plate)
    )
    if found is not None:
        return found, False
    made = vehicle_services.vehicle_create(
        actor=accounts.acting_user(owner_id),
        plate=plate,
        make=make,
        model=model,
        year=year,
        category=category,
        energy=energy,
        nickname=nickname,
        colour=colour,
        now=now,
    )
    return made, True
