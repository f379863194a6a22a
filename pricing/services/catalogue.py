"""The catalogue's use cases: skills, services with their category overrides and the options they
offer, options. The back-office calls them (the catalogue import is its own use case, all or
nothing); each validates with the model's rules, writes in its own transaction and, when what the
public listing shows changed, forgets the cached listing.

`actor` None is the system itself (demo data, the import command); a person must be an operator,
and only an administrator deletes (operators retire a service by making it inactive)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.public import is_operator
from core.cache import shortcut_cache
from core.errors import Conflict, PermissionDenied
from core.validation import full_clean
from pricing.domain.codes import PricingErrorCode
from pricing.domain.vocabulary import DEFAULT_TAX_RATE
from pricing.models import CategoryOverride, Option, Service, Skill
from pricing.selectors.catalogue import CATALOGUE_VERSION_KEY

if TYPE_CHECKING:
    from accounts.models import User

# category -> (price, duration in minutes); what is None falls back to the service's base.
Overrides = Mapping[str, tuple[Decimal | None, int | None]]


class ServiceChanges(TypedDict, total=False):
    code: str
    name: str
    description: str
    kind: str
    active: bool
    base_price: Decimal
    tax_rate: Decimal
    base_duration_minutes: int
    buffer_after_minutes: int
    required_skill: Skill | None
    excluded_energies: list[str]


class OptionChanges(TypedDict, total=False):
    code: str
    name: str
    price: Decimal
    extra_duration_minutes: int
    services: Iterable[Service]


def _new_version() -> None:
    # A cache outage must not refuse a catalogue change (shortcut_cache drops the write).
    shortcut_cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def catalogue_changed() -> None:
    """Forgets the cached listing now, and again when the transaction commits: a request served
    between the change and the commit could otherwise cache the old catalogue for an hour."""
    _new_version()
    transaction.on_commit(_new_version)


def check_operator(actor: User | None) -> None:
    if actor is not None and not is_operator(actor):
        raise PermissionDenied()


def check_administrator(actor: User | None) -> None:
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied()


def write(
    instance: models.Model,
    *,
    taken: Conflict,
    then: Callable[[], object] | None = None,
    listed: bool = True,
) -> None:
    """Validates and saves `instance` (then runs `then`) in one transaction; `taken`: a unique
    code taken meanwhile by another writer. `listed`: the public listing shows it."""
    full_clean(instance)
    try:
        with transaction.atomic():
            instance.save()
            if then is not None:
                then()
            if listed:
                catalogue_changed()
    except IntegrityError as exc:
        raise taken from exc


def remove(instance: models.Model, *, in_use: Conflict | None = None, listed: bool = True) -> None:
    """Deletes `instance` in one transaction; `in_use`: the refusal while rows still need it."""
    try:
        with transaction.atomic():
            instance.delete()
            if listed:
                catalogue_changed()
    except (models.ProtectedError, models.RestrictedError) as exc:
        if in_use is None:
            raise
        raise in_use from exc


def apply(instance: models.Model, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        setattr(instance, name, value)


# --- skills --------------------------------------------------------------------------------------


def _skill_taken() -> Conflict:
    return Conflict(_("A skill with this code already exists."), code=PricingErrorCode.SKILL_EXISTS)


def skill_create(*, code: str, name: str, actor: User | None) -> Skill:
    check_operator(actor)
    skill = Skill(code=code, name=name)
    write(skill, taken=_skill_taken(), listed=False)
    return skill


def skill_update(
    *, skill: Skill, actor: User | None, code: str | None = None, name: str | None = None
) -> Skill:
    check_operator(actor)
    apply(skill, {k: v for k, v in {"code": code, "name": name}.items() if v is not None})
    write(skill, taken=_skill_taken(), listed=False)
    return skill


def skill_delete(*, skill: Skill, actor: User | None) -> None:
    check_administrator(actor)
    in_use = Conflict(_("Services still require this skill."), code=PricingErrorCode.SKILL_IN_USE)
    remove(skill, in_use=in_use, listed=False)


# --- services, their category overrides and the options they offer -------------------------------


def _service_taken() -> Conflict:
    return Conflict(
        _("A service with this code already exists."), code=PricingErrorCode.SERVICE_EXISTS
    )


def service_create(
    *,
    code: str,
    name: str,
    kind: str,
    base_price: Decimal,
    base_duration_minutes: int,
    actor: User | None,
    description: str = "",
    tax_rate: Decimal = DEFAULT_TAX_RATE,
    buffer_after_minutes: int = 0,
    required_skill: Skill | None = None,
    excluded_energies: Iterable[str] = (),
    active: bool = True,
) -> Service:
    """A service of the catalogue (its overrides and options are set apart)."""
    check_operator(actor)
    service = Service(
        code=code,
        name=name,
        kind=kind,
        base_price=base_price,
        base_duration_minutes=base_duration_minutes,
        description=description,
        tax_rate=tax_rate,
        buffer_after_minutes=buffer_after_minutes,
        required_skill=required_skill,
        excluded_energies=list(excluded_energies),
        active=active,
    )
    write(service, taken=_service_taken())
    return service


def service_update(
    *, service: Service, actor: User | None, **changes: Unpack[ServiceChanges]
) -> Service:
    """Changes the service (`active` False retires it: it is no longer listed nor bookable)."""
    check_operator(actor)
    apply(service, changes)
    write(service, taken=_service_taken())
    return service


def service_delete(*, service: Service, actor: User | None) -> None:
    """Deletes a service never booked (administrators; a booked one is made inactive)."""
    check_administrator(actor)
    in_use = Conflict(
        _("This service has bookings: make it inactive instead."),
        code=PricingErrorCode.SERVICE_IN_USE,
    )
    remove(service, in_use=in_use)


def service_overrides_replace(
    *, service: Service, overrides: Overrides, actor: User | None
) -> None:
    """The service's per-category prices and durations become `overrides`."""
    check_operator(actor)
    rows = [
        CategoryOverride(service=service, category=category, price=price, duration_minutes=minutes)
        for category, (price, minutes) in overrides.items()
    ]
    with transaction.atomic():  # a refused row puts the old ones back
        CategoryOverride.objects.filter(service=service).delete()
        for row in rows:
            full_clean(row)
        CategoryOverride.objects.bulk_create(rows)
        catalogue_changed()


def service_options_set(*, service: Service, options: Iterable[Option], actor: User | None) -> None:
    """The options offered for the service become `options`."""
    check_operator(actor)
    with transaction.atomic():
        service.options.set(list(options))
        catalogue_changed()


# --- options -------------------------------------------------------------------------------------


def _option_taken() -> Conflict:
    return Conflict(
        _("An option with this code already exists."), code=PricingErrorCode.OPTION_EXISTS
    )


def option_create(
    *,
    code: str,
    name: str,
    price: Decimal,
    actor: User | None,
    extra_duration_minutes: int = 0,
    services: Iterable[Service] = (),
) -> Option:
    """An option, offered for `services`."""
    check_operator(actor)
    option = Option(
        code=code, name=name, price=price, extra_duration_minutes=extra_duration_minutes
    )
    offered = list(services)
    write(option, taken=_option_taken(), then=lambda: option.services.set(offered))
    return option


def option_update(
    *, option: Option, actor: User | None, **changes: Unpack[OptionChanges]
) -> Option:
    check_operator(actor)
    offered = changes.pop("services", None)
    apply(option, changes)
    then = None if offered is None else lambda: option.services.set(list(offered))
    write(option, taken=_option_taken(), then=then)
    return option


def option_delete(*, option: Option, actor: User | None) -> None:
    check_administrator(actor)
    remove(option)
