"""Scheduling use cases: sites, their opening hours, resources, their own hours, and closures. The
back-office, the commands and the demo data call these; each checks the actor, validates with the
model's and the domain's rules, and writes in its own transaction.

`actor` None is the system itself (demo data, benchmarks); a person must be an operator."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.public import is_operator
from core.errors import Conflict, NotFound, PermissionDenied, Text, ValidationFailed
from core.validation import full_clean
from pricing.public import PricingErrorCode
from scheduling.domain import changes
from scheduling.domain import exceptions as exception_rules
from scheduling.domain import hours as hours_rules
from scheduling.domain.changes import HoursChange
from scheduling.domain.codes import SchedulingErrorCode
from scheduling.domain.hours import WallInterval
from scheduling.models import (
    Closure,
    DateException,
    DateExceptionInterval,
    OpeningHours,
    Resource,
    ResourceHours,
    Site,
)

if TYPE_CHECKING:
    from accounts.models import User

Hours = TypeVar("Hours", OpeningHours, ResourceHours)
DayIntervals = Mapping[int, Sequence[tuple[time, time]]]


class SiteSettings(TypedDict, total=False):
    """A site's fields besides its name (the model's defaults for those left out)."""

    timezone: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    slot_step_minutes: int
    min_notice_minutes: int
    horizon_days: int
    auto_confirm: bool
    confirmation_window_minutes: int
    country: str
    subdivision: str


class SiteChanges(SiteSettings, total=False):
    name: str


class ResourceChanges(TypedDict, total=False):
    site: Site
    name: str
    kind: str
    active: bool
    technician: User | None
    skills: Iterable[Any]  # pricing's Skill rows or their pks


class ClosureChanges(TypedDict, total=False):
    site: Site | None
    resource: Resource | None
    start: datetime
    end: datetime
    reason: str


def _check_actor(actor: User | None) -> None:
    if actor is not None and not is_operator(actor):
        raise PermissionDenied()


def check_week(week: DayIntervals) -> None:
    """ValidationFailed, with details per weekday, when the week breaks a rule of
    scheduling.domain.hours (the back-office's hours forms call it before saving, too)."""
    problems = hours_rules.week_problems(
        {weekday: [WallInterval(a, b) for a, b in pairs] for weekday, pairs in week.items()}
    )
    if problems:
        raise ValidationFailed(
            details={
                str(weekday): [Text(hours_rules.PROBLEM_MESSAGES[code]) for code in codes]
                for weekday, codes in problems.items()
            }
        )


def _save(instance: models.Model, *, taken: Conflict, after: Any = None) -> None:
    """Validates and saves `instance` (then runs `after`) in one transaction; a unique name
    taken meanwhile by another writer is `taken`."""
    full_clean(instance)
    try:
        with transaction.atomic():
            instance.save()
            if after is not None:
                after()
    except IntegrityError as exc:
        raise taken from exc


def _delete(instance: models.Model, *, in_use: Conflict) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise in_use from exc


def _apply(instance: models.Model, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        setattr(instance, name, value)


def _write_hours(model: type[Hours], owner: dict[str, Any], week: DayIntervals) -> None:
    model.objects.bulk_create(
        model(weekday=weekday, opens=opens, closes=closes, **owner)
        for weekday, pairs in week.items()
        for opens, closes in pairs
    )


# --- sites and their opening hours ---------------------------------------------------------------


def _site_exists() -> Conflict:
    return Conflict(
        _("A site with this name already exists."), code=SchedulingErrorCode.SITE_EXISTS
    )


def site_create(
    *,
    name: str,
    actor: User | None,
    hours: DayIntervals | None = None,
    **settings: Unpack[SiteSettings],
) -> Site:
    """A site with its weekly opening hours (ISO weekday -> [(opens, closes), ...], local wall
    clock; none: closed until the hours are set)."""
    _check_actor(actor)
    site = Site(name=name, **settings)
    check_week(hours or {})
    _save(
        site,
        taken=_site_exists(),
        after=lambda: _write_hours(OpeningHours, {"site": site}, hours or {}),
    )
    return site


def site_update(*, site: Site, actor: User | None, **changes: Unpack[SiteChanges]) -> Site:
    """Changes the site's name, clock or booking policy."""
    _check_actor(actor)
    _apply(site, changes)
    _save(site, taken=_site_exists())
    return site


def site_delete(*, site: Site, actor: User | None) -> None:
    """Deletes a site with its hours and closures; refused while it has resources or bookings."""
    _check_actor(actor)
    _delete(
        site,
        in_use=Conflict(
            _("This site still has resources or bookings: it cannot be deleted."),
            code=SchedulingErrorCode.SITE_IN_USE,
        ),
    )


def opening_hours_replace(*, site: Site, hours: DayIntervals, actor: User | None) -> None:
    """The site's week becomes `hours` (weekdays left out are closed)."""
    _check_actor(actor)
    check_week(hours)
    with transaction.atomic():
        OpeningHours.objects.filter(site=site).delete()
        _write_hours(OpeningHours, {"site": site}, hours)


# --- resources and their own hours ---------------------------------------------------------------


def _resource_exists() -> Conflict:
    return Conflict(
        _("This site already has a resource with this name."),
        code=SchedulingErrorCode.RESOURCE_EXISTS,
    )


def resource_create(
    *,
    site: Site,
    name: str,
    actor: User | None,
    kind: str = Resource.Kind.BAY,
    skills: Iterable[Any] = (),
    active: bool = True,
    technician: User | None = None,
    hours: DayIntervals | None = None,
) -> Resource:
    """A resource; `hours`, when given, are its own narrower week (it then works only then)."""
    _check_actor(actor)
    resource = Resource(site=site, name=name, kind=kind, active=active, technician=technician)
    check_week(hours or {})

    def skills_and_hours() -> None:
        resource.skills.set(list(skills))
        _write_hours(ResourceHours, {"resource": resource}, hours or {})

    _save(resource, taken=_resource_exists(), after=skills_and_hours)
    return resource


def resource_update(
    *, resource: Resource, actor: User | None, **changes: Unpack[ResourceChanges]
) -> Resource:
    """Changes the resource (its skills too, when given)."""
    _check_actor(actor)
    skills = changes.pop("skills", None)
    _apply(resource, changes)
    _save(
        resource,
        taken=_resource_exists(),
        after=None if skills is None else lambda: resource.skills.set(list(skills)),
    )
    return resource


def resource_delete(*, resource: Resource, actor: User | None) -> None:
    """Deletes a resource with its own hours and closures; refused while it has bookings (make it
    inactive instead)."""
    _check_actor(actor)
    _delete(
        resource,
        in_use=Conflict(
            _("This resource has bookings: make it inactive instead."),
            code=SchedulingErrorCode.RESOURCE_IN_USE,
        ),
    )


def resource_hours_replace(*, resource: Resource, hours: DayIntervals, actor: User | None) -> None:
    """The resource's own week becomes `hours`; empty gives it back the site's hours."""
    _check_actor(actor)
    check_week(hours)
    with transaction.atomic():
        ResourceHours.objects.filter(resource=resource).delete()
        _write_hours(ResourceHours, {"resource": resource}, hours)


# --- closures ------------------------------------------------------------------------------------


def closure_create(
    *,
    start: datetime,
    end: datetime,
    actor: User | None,
    site: Site | None = None,
    resource: Resource | None = None,
    reason: str = "",
) -> Closure:
    """A closure of a whole site or of one resource (exactly one of them)."""
    _check_actor(actor)
    closure = Closure(site=site, resource=resource, start=start, end=end, reason=reason)
    full_clean(closure)
    closure.save()
    return closure


def closure_add(
    *,
    actor: User | None,
    start: datetime,
    end: datetime,
    reason: str = "",
    site_pk: int | None = None,
    resource_pk: int | None = None,
) -> None:
    """`closure_create` for a site or a resource given by pk (bookings closes time once it has
    the bookings there in hand). NotFound for an unknown one."""
    site = resource = None
    if resource_pk is not None:
        resource = Resource.objects.filter(pk=resource_pk).first()
        if resource is None:
            raise NotFound(code=SchedulingErrorCode.RESOURCE_NOT_FOUND)
    elif site_pk is not None:
        site = Site.objects.filter(pk=site_pk).first()
        if site is None:
            raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
    closure_create(start=start, end=end, actor=actor, site=site, resource=resource, reason=reason)


def closure_update(
    *, closure: Closure, actor: User | None, **changes: Unpack[ClosureChanges]
) -> Closure:
    _check_actor(actor)
    _apply(closure, changes)
    full_clean(closure)
    closure.save()
    return closure


def closure_delete(*, closure: Closure, actor: User | None) -> None:
    _check_actor(actor)
    closure.delete()


# --- date exceptions -----------------------------------------------------------------------------


class DateExceptionChanges(TypedDict, total=False):
    day: date
    kind: str
    reason: str
    intervals: Sequence[tuple[time, time]]


def check_exception(kind: str, intervals: Sequence[tuple[time, time]]) -> None:
    """ValidationFailed (details on `intervals`) when the exception breaks a rule of
    scheduling.domain.exceptions (the back-office's form calls it before saving, too)."""
    if kind not in exception_rules.KINDS:
        raise ValidationFailed(details={"kind": [_("Choose closed, different hours or regular.")]})
    wall = [WallInterval(opens, closes) for opens, closes in intervals]
    problems = exception_rules.exception_problems(kind, wall)
    if problems:
        messages = {**hours_rules.PROBLEM_MESSAGES, **exception_rules.PROBLEM_MESSAGES}
        raise ValidationFailed(details={"intervals": [Text(messages[code]) for code in problems]})


def _exception_taken() -> Conflict:
    return Conflict(
        _("There is already an exception on this date: change that one."),
        code=SchedulingErrorCode.DATE_EXCEPTION_EXISTS,
    )


def _save_exception(
    exception: DateException, intervals: Sequence[tuple[time, time]] | None
) -> DateException:
    full_clean(exception)
    try:
        with transaction.atomic():
            exception.save()
            if intervals is not None:
                DateExceptionInterval.objects.filter(exception=exception).delete()
                DateExceptionInterval.objects.bulk_create(
                    DateExceptionInterval(exception=exception, opens=opens, closes=closes)
                    for opens, closes in intervals
                )
    except IntegrityError as exc:
        raise _exception_taken() from exc
    return exception


def date_exception_create(
    *,
    day: date,
    actor: User | None,
    kind: str = DateException.Kind.CLOSED,
    site: Site | None = None,
    resource: Resource | None = None,
    intervals: Sequence[tuple[time, time]] = (),
    reason: str = "",
) -> DateException:
    """One local date of a site or of a resource (exactly one) that does not follow the week:
    `closed`, `hours` (the `intervals` that day, local wall clock) or `regular` (the week's
    hours, over a public holiday). One exception per owner and date (date_exception_exists)."""
    _check_actor(actor)
    if (site is None) == (resource is None):
        raise ValidationFailed(
            _("A date exception is for a site or for a resource, not both."),
            details={"site": [_("Give a site or a resource.")]},
        )
    check_exception(kind, intervals)
    exception = DateException(site=site, resource=resource, day=day, kind=kind, reason=reason)
    return _save_exception(exception, list(intervals))


def date_exception_update(
    *, exception: DateException, actor: User | None, **changes: Unpack[DateExceptionChanges]
) -> DateException:
    """Changes the exception; `intervals`, when given, replace its intervals."""
    _check_actor(actor)
    intervals = changes.pop("intervals", None)
    _apply(exception, changes)
    current = (
        list(intervals)
        if intervals is not None
        else [(i.opens, i.closes) for i in exception.intervals.all()]
    )
    check_exception(exception.kind, current)
    return _save_exception(exception, None if intervals is None else current)


def date_exception_delete(*, exception: DateException, actor: User | None) -> None:
    """The date follows the week again (or its public holiday)."""
    _check_actor(actor)
    exception.delete()


# --- a change of hours proposed over bookings ----------------------------------------------------


def hours_change_save(*, change: HoursChange, actor: User | None) -> None:
    """Writes a change proposed by scheduling.selectors.changes through its own use case: the
    closure (`closure_add`), the date exception (created, or the one of that owner and date
    changed), the deactivation (`resource_update(active=False)`). Bookings calls it once it has
    the bookings the change hits in hand."""
    if change.kind == changes.CLOSURE:
        assert change.start is not None
        assert change.end is not None
        closure_add(
            actor=actor,
            start=change.start,
            end=change.end,
            reason=change.reason,
            site_pk=None if change.resource_pk is not None else change.site_pk,
            resource_pk=change.resource_pk,
        )
        return
    resource = None
    if change.resource_pk is not None:
        resource = Resource.objects.filter(pk=change.resource_pk).first()
        if resource is None:
            raise NotFound(code=SchedulingErrorCode.RESOURCE_NOT_FOUND)
    if change.kind == changes.DEACTIVATION:
        assert resource is not None
        resource_update(resource=resource, actor=actor, active=False)
        return
    assert change.day is not None
    owner: dict[str, Any] = {"resource": resource}
    if resource is None:
        site = Site.objects.filter(pk=change.site_pk).first()
        if site is None:
            raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
        owner = {"site": site}
    existing = DateException.objects.filter(day=change.day, **owner).first()
    if existing is not None:
        date_exception_update(
            exception=existing,
            actor=actor,
            kind=change.exception_kind,
            reason=change.reason,
            intervals=list(change.intervals),
        )
        return
    date_exception_create(
        day=change.day,
        actor=actor,
        kind=change.exception_kind,
        intervals=list(change.intervals),
        reason=change.reason,
        **owner,
    )
