"""Reads of sites for the API, the admin, the command and other apps."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from core.errors import NotFound
from pricing.public import PricingErrorCode
from scheduling.domain.values import SitePolicy
from scheduling.models import Closure, OpeningHours, Resource, Site
from scheduling.selectors.calendars import POLICY_FIELDS, policy_from_row


def site_list() -> QuerySet[Site]:
    return Site.objects.order_by("name", "pk")


def site_detail(site_id: UUID) -> Site | None:
    """The site with its opening hours in one extra query, or None."""
    hours = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    return Site.objects.prefetch_related(hours).filter(public_id=site_id).first()


def site_policy(*, site_id: UUID | None = None, pk: int | None = None) -> SitePolicy | None:
    condition: dict[str, object] = {"public_id": site_id} if site_id is not None else {"pk": pk}
    row = Site.objects.filter(**condition).values(*POLICY_FIELDS).first()
    return None if row is None else policy_from_row(row)


def site_policy_by_pk(pk: int) -> SitePolicy:
    """The site's booking policy; NotFound (site_not_found) when there is none."""
    policy = site_policy(pk=pk)
    if policy is None:
        raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    return policy


def site_by_reference(reference: str) -> SitePolicy | None:
    """A site by public id, else by name (whatever its case): for staff typing at a terminal."""
    try:
        return site_policy(site_id=UUID(reference.strip()))
    except ValueError:
        pass
    row = Site.objects.filter(name__iexact=reference.strip()).values(*POLICY_FIELDS).first()
    return None if row is None else policy_from_row(row)


def site_timezone(site_id: UUID) -> str | None:
    """The site's IANA timezone name, None for an unknown site (provided to pricing's port)."""
    return Site.objects.filter(public_id=site_id).values_list("timezone", flat=True).first()


def site_by_pk(pk: int) -> Site | None:
    return Site.objects.filter(pk=pk).first()


def resource_by_pk(pk: int) -> Resource | None:
    return Resource.objects.filter(pk=pk).first()


def resource_choices(*, site_pk: int | None = None) -> list[tuple[int, str]]:
    """Every resource as (pk, "name (site)"): resource names repeat across sites ("Bay 1").
    With `site_pk`: that site's active resources as (pk, name), by name."""
    if site_pk is not None:
        return list(
            Resource.objects.filter(site_id=site_pk, active=True)
            .order_by("name", "pk")
            .values_list("pk", "name")
        )
    rows = Resource.objects.order_by("site__name", "name", "pk").values_list(
        "pk", "name", "site__name"
    )
    return [(pk, f"{name} ({site})") for pk, name, site in rows]


def active_resource_choices(site_pk: int) -> list[tuple[int, str]]:
    """The site's active resources as (pk, name), by name (one query)."""
    rows = (
        Resource.objects.filter(site_id=site_pk, active=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return list(rows)


def site_named(name: str) -> Site | None:
    """Site names are unique whatever their case."""
    return Site.objects.filter(name__iexact=name.strip()).first()


def resource_named(*, site_pk: int, name: str) -> Resource | None:
    """Resource names are unique per site whatever their case."""
    return Resource.objects.filter(site_id=site_pk, name__iexact=name.strip()).first()


def closure_matching(
    *, site_pk: int | None, resource_pk: int | None, start: datetime, end: datetime
) -> Closure | None:
    """The site's (or, without a site, the resource's) closure with exactly these bounds."""
    closures = Closure.objects.filter(start=start, end=end)
    if site_pk is not None:
        return closures.filter(site_id=site_pk, resource__isnull=True).first()
    if resource_pk is not None:
        return closures.filter(resource_id=resource_pk, site__isnull=True).first()
    return None
