"""Scheduling use cases: sites, their opening hours, resources and closures. The back-office and
the commands call these; each validates, then writes in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.public import is_operator
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from scheduling.domain import hours as hours_rules
from scheduling.domain.hours import WallInterval
from scheduling.models import Closure, OpeningHours, Resource, ResourceHours, Site
from scheduling.selectors import sites as site_selectors

Hours = TypeVar("Hours", OpeningHours, ResourceHours)
DayIntervals = Mapping[int, Sequence[tuple[time, time]]]


def _check_actor(actor: Any) -> None:
    """`actor` None is the system itself (demo data, benchmarks); people must be operators."""
    if actor is not None and not is_operator(actor):
        raise PermissionDenied()


def hours_problem_message(code: str) -> str:
    return {
        hours_rules.NOT_BEFORE: _(
            "Closing must be after opening, the same day (no overnight interval)."
        ),
        hours_rules.NOT_WHOLE_MINUTE: _("Use whole minutes."),
        hours_rules.OVERLAP: _("Intervals of the same day must not overlap."),
        hours_rules.BAD_WEEKDAY: _("The weekday is 1 (Monday) to 7 (Sunday)."),
    }[code]


def check_week(week: DayIntervals) -> None:
    """ValidationFailed, with details per weekday, when a day's intervals break a rule."""
    details: dict[str, list[str]] = {}
    for weekday, pairs in week.items():
        if weekday not in hours_rules.WEEKDAYS:
            details[str(weekday)] = [hours_problem_message(hours_rules.BAD_WEEKDAY)]
            continue
        problems = hours_rules.day_hours_problems([WallInterval(a, b) for a, b in pairs])
        messages = sorted({hours_problem_message(code) for _index, code in problems})
        if messages:
            details[str(weekday)] = messages
    if details:
        raise ValidationFailed(details=details)


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc


def site_create(*, name: str, actor: Any, hours: DayIntervals | None = None, **fields: Any) -> Site:
    """A site with its weekly opening hours (ISO weekday -> [(opens, closes), ...])."""
    _check_actor(actor)
    site = Site(name=name, **fields)
    _full_clean(site)
    check_week(hours or {})
    try:
        with transaction.atomic():
            site.save()
            _write_hours(OpeningHours, {"site": site}, hours or {})
    except IntegrityError as exc:
        raise Conflict(_("A site with this name already exists."), code="site_exists") from exc
    return site


def _write_hours(model: type[Hours], owner: dict[str, Any], week: DayIntervals) -> None:
    model.objects.bulk_create(
        model(weekday=weekday, opens=opens, closes=closes, **owner)
        for weekday, pairs in week.items()
        for opens, closes in pairs
    )


def opening_hours_replace(*, site: Site, hours: DayIntervals, actor: Any) -> None:
    """The site's week becomes `hours` (weekdays left out are closed)."""
    _check_actor(actor)
    check_week(hours)
    with transaction.atomic():
        OpeningHours.objects.filter(site=site).delete()
        _write_hours(OpeningHours, {"site": site}, hours)


def resource_create(
    *,
    site: Site,
    name: str,
    actor: Any,
    kind: str = Resource.Kind.BAY,
    skills: Iterable[Any] = (),
    active: bool = True,
    technician: Any = None,
    hours: DayIntervals | None = None,
) -> Resource:
    """A resource; `hours`, when given, are its own narrower week (it then works only then)."""
    _check_actor(actor)
    resource = Resource(site=site, name=name, kind=kind, active=active, technician=technician)
    _full_clean(resource)
    check_week(hours or {})
    try:
        with transaction.atomic():
            resource.save()
            resource.skills.set(list(skills))
            _write_hours(ResourceHours, {"resource": resource}, hours or {})
    except IntegrityError as exc:
        raise Conflict(
            _("This site already has a resource with this name."), code="resource_exists"
        ) from exc
    return resource


def resource_hours_replace(*, resource: Resource, hours: DayIntervals, actor: Any) -> None:
    """The resource's own week becomes `hours`; empty gives it back the site's hours."""
    _check_actor(actor)
    check_week(hours)
    with transaction.atomic():
        ResourceHours.objects.filter(resource=resource).delete()
        _write_hours(ResourceHours, {"resource": resource}, hours)


def closure_create(
    *,
    start: datetime,
    end: datetime,
    actor: Any,
    site: Site | None = None,
    resource: Resource | None = None,
    reason: str = "",
) -> Closure:
    """A closure of a whole site or of one resource (exactly one of them)."""
    _check_actor(actor)
    closure = Closure(site=site, resource=resource, start=start, end=end, reason=reason)
    _full_clean(closure)
    closure.save()
    return closure


# --- made by the system (demo data, first run): found by natural key, else created -----------


def _site(pk: int) -> Site:
    site = site_selectors.site_by_pk(pk)
    if site is None:
        raise NotFound(code="site_not_found")
    return site


def site_ensure(*, name: str, hours: DayIntervals, **fields: Any) -> tuple[Site, bool]:
    """The site named `name` (whatever its case), created with `hours` and `fields` when there is
    none; an existing site, its hours included, is left as the back-office set it."""
    existing = site_selectors.site_named(name)
    if existing is not None:
        return existing, False
    return site_create(name=name, actor=None, hours=hours, **fields), True


def resource_ensure(
    *,
    site_pk: int,
    name: str,
    kind: str = Resource.Kind.BAY,
    skills: Iterable[Any] = (),
    technician: Any = None,
    hours: DayIntervals | None = None,
) -> tuple[Resource, bool]:
    """The site's resource named `name` (whatever its case), created when there is none; an
    existing one is left untouched."""
    existing = site_selectors.resource_named(site_pk=site_pk, name=name)
    if existing is not None:
        return existing, False
    resource = resource_create(
        site=_site(site_pk),
        name=name,
        actor=None,
        kind=kind,
        skills=skills,
        technician=technician,
        hours=hours,
    )
    return resource, True


def closure_ensure(
    *,
    start: datetime,
    end: datetime,
    site_pk: int | None = None,
    resource_pk: int | None = None,
    reason: str = "",
) -> tuple[Closure, bool]:
    """The closure of this site or resource over exactly [start, end), created when there is
    none (its reason is not part of the key)."""
    existing = site_selectors.closure_matching(
        site_pk=site_pk, resource_pk=resource_pk, start=start, end=end
    )
    if existing is not None:
        return existing, False
    resource = None
    if resource_pk is not None:
        resource = site_selectors.resource_by_pk(resource_pk)
        if resource is None:
            raise NotFound(code="resource_not_found")
    closure = closure_create(
        start=start,
        end=end,
        actor=None,
        site=_site(site_pk) if site_pk is not None else None,
        resource=resource,
        reason=reason,
    )
    return closure, True
