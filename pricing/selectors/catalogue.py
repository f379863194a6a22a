"""Reads of the catalogue: plain values for the quote, and the public listing (cached)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import (
    DateField,
    FilteredRelation,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TimeField,
    Value,
)
from django.utils.translation import gettext as _

from core.cache import shortcut_cache
from core.errors import NotFound
from pricing.domain.catalogue import CategoryPricing, OptionData, PriceRuleData, ServiceData
from pricing.domain.codes import PricingErrorCode
from pricing.models import CategoryOverride, Option, PriceRule, Service
from vehicles.public import CATEGORIES

CATALOGUE_VERSION_KEY = "pricing:catalogue:version"
CATALOGUE_TTL_SECONDS = 3600

T = TypeVar("T")


def services_with_catalogue() -> QuerySet[Service]:
    """Services with what a quote or the listing needs: three queries whatever the count."""
    return Service.objects.select_related("required_skill").prefetch_related(
        Prefetch("category_overrides", queryset=CategoryOverride.objects.order_by("category")),
        Prefetch("options", queryset=Option.objects.order_by("name", "code")),
    )


def service_data_from(service: Service) -> ServiceData:
    return ServiceData(
        code=service.code,
        name=service.name,
        base_price=service.base_price,
        base_duration_minutes=service.base_duration_minutes,
        tax_rate=service.tax_rate,
        buffer_after_minutes=service.buffer_after_minutes,
        required_skill=service.required_skill.code if service.required_skill else None,
        excluded_energies=frozenset(service.excluded_energies or ()),
        overrides=tuple(
            CategoryPricing(o.category, o.price, o.duration_minutes)
            for o in service.category_overrides.all()
        ),
        options=tuple(
            OptionData(o.code, o.name, o.price, o.extra_duration_minutes)
            for o in service.options.all()
        ),
        active=service.active,
    )


def service_data(*, code: str) -> ServiceData:
    """The service by code, active or not (the quote refuses an inactive one with its own code)."""
    service = services_with_catalogue().filter(code=code).first()
    if service is None:
        raise NotFound(
            _("No service with the code %(code)s.") % {"code": code},
            code=PricingErrorCode.SERVICE_NOT_FOUND,
            details={"service": code},
        )
    return service_data_from(service)


def service_data_for(*, code: str, category: str, option_codes: Collection[str]) -> ServiceData:
    """`service_with_key_for` without the key."""
    return service_with_key_for(code=code, category=category, option_codes=option_codes)[1]


def service_with_key_for(
    *, code: str, category: str, option_codes: Collection[str]
) -> tuple[int, ServiceData]:
    """The service's key and the service by code as `service_data` gives it, but only with what
    one vehicle category and these options need (the category's override, the asked options it
    offers), in one query: the service LEFT JOIN its override for `category` LEFT JOIN the asked
    options. NotFound (service_not_found). Enough for `check_service`, `quoted_duration` and a
    quote (which read nothing else), not for the listing."""
    queryset = Service.objects.filter(code=code).annotate(
        override=FilteredRelation(
            "category_overrides", condition=Q(category_overrides__category=category)
        )
    )
    fields = [
        "pk",
        "code",
        "name",
        "base_price",
        "base_duration_minutes",
        "tax_rate",
        "buffer_after_minutes",
        "required_skill__code",
        "excluded_energies",
        "active",
        "override__price",
        "override__duration_minutes",
    ]
    codes = sorted(set(option_codes))
    if codes:
        queryset = queryset.annotate(
            option=FilteredRelation("options", condition=Q(options__code__in=codes))
        )
        fields += [
            "option__code",
            "option__name",
            "option__price",
            "option__extra_duration_minutes",
        ]
    rows = list(queryset.values(*fields).order_by())
    if not rows:
        raise NotFound(
            _("No service with the code %(code)s.") % {"code": code},
            code=PricingErrorCode.SERVICE_NOT_FOUND,
            details={"service": code},
        )
    first = rows[0]
    overrides: tuple[CategoryPricing, ...] = ()
    if first["override__price"] is not None or first["override__duration_minutes"] is not None:
        overrides = (
            CategoryPricing(
                category, first["override__price"], first["override__duration_minutes"]
            ),
        )
    options = tuple(
        OptionData(
            row["option__code"],
            row["option__name"],
            row["option__price"],
            row["option__extra_duration_minutes"],
        )
        for row in rows
        if row.get("option__code") is not None
    )
    return first["pk"], ServiceData(
        code=first["code"],
        name=first["name"],
        base_price=first["base_price"],
        base_duration_minutes=first["base_duration_minutes"],
        tax_rate=first["tax_rate"],
        buffer_after_minutes=first["buffer_after_minutes"],
        required_skill=first["required_skill__code"],
        excluded_energies=frozenset(first["excluded_energies"] or ()),
        overrides=overrides,
        options=options,
        active=first["active"],
    )


def service_with_key(*, code: str) -> tuple[int, ServiceData]:
    """The service's internal key and its values, in the three queries of `service_data`."""
    service = services_with_catalogue().filter(code=code).first()
    if service is None:
        raise NotFound(
            _("No service with the code %(code)s.") % {"code": code},
            code=PricingErrorCode.SERVICE_NOT_FOUND,
            details={"service": code},
        )
    return service.pk, service_data_from(service)


def services_with_codes(codes: Collection[str]) -> list[Service]:
    """The services with these codes, in the order of `codes`; NotFound (service_not_found,
    details: the unknown codes) when one is missing."""
    found = {service.code: service for service in Service.objects.filter(code__in=list(codes))}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise NotFound(code=PricingErrorCode.SERVICE_NOT_FOUND, details={"services": missing})
    return [found[code] for code in codes]


def price_rule_named(name: str) -> PriceRule | None:
    """Names are not unique for the back-office: the first rule by id with this name."""
    return PriceRule.objects.filter(name=name).order_by("pk").first()


def active_price_rules() -> tuple[PriceRuleData, ...]:
    """The active price rules in their order, in one query whatever their number: the services a
    rule is limited to come in the same read (one row per rule and service)."""
    rows = (
        PriceRule.objects.filter(active=True)
        .values(
            "pk",
            "name",
            "percentage",
            "priority",
            "weekdays",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
            "all_services",
            "services__code",
        )
        .order_by("priority", "name", "id")  # the model's ordering
    )
    by_pk: dict[int, Any] = {}
    codes: dict[int, set[str]] = {}
    for row in rows:
        by_pk.setdefault(row["pk"], row)
        if row["services__code"] is not None:
            codes.setdefault(row["pk"], set()).add(row["services__code"])
    return tuple(
        PriceRuleData(
            id=pk,
            name=row["name"],
            percentage=row["percentage"],
            priority=row["priority"],
            weekdays=frozenset(row["weekdays"] or ()),
            start_time=row["start_time"],
            end_time=row["end_time"],
            valid_from=row["valid_from"],
            valid_until=row["valid_until"],
            service_codes=None if row["all_services"] else frozenset(codes.get(pk, ())),
        )
        for pk, row in by_pk.items()
    )


# --- a service and the price rules in one read (booking_terms, quote) ---------------------------

# One UNION ALL of the service's rows (LEFT JOIN its category overrides), the active price rules'
# rows (LEFT JOIN the services a rule names) and the asked options the service offers: the same
# columns in the same order in every branch. A branch's values share a column with the other
# branches' values of the same type and NULL fills the rest: typed in the first branch (SQLite
# converts a column's values as the first branch says), bare in the others, as every column has
# a value of its type in one of the first two branches (PostgreSQL resolves a UNION's types
# pair by pair, and two NULLs would make a text column).
#
#   column  service row (tag 0)     rule row (tag 1)            option row (tag 2)
#   0       tag                     tag                         tag
#   1       service pk              rule pk                     NULL
#   2       name                    name                        name
#   3       base_price              percentage                  price      (2 decimal places)
#   4       base_duration_minutes   priority                    extra_duration_minutes
#   5       buffer_after_minutes    a service it names, or NULL NULL
#   6       excluded_energies       weekdays (JSON lists)       NULL
#   7       active                  all_services                NULL
#   8       tax_rate                NULL                        NULL
#   9       required skill's code   NULL                        code
#   10-12   an override's category, NULL                        NULL
#           price, duration
#   13-16   NULL                    start_time, end_time,       NULL
#                                   valid_from, valid_until
#
# Building a query is most of what it costs here (the ORM's compilation, more than the round
# trip), so each branch is built once, without parameters (`functools.cache`), and each read
# copies it and adds only its filters: the service's code, the asked options. Hence no
# FilteredRelation: the service's row comes once per override (four categories at most) and the
# category's is picked here; the options have their own rows.
_SERVICE_TAG, _RULE_TAG, _OPTION_TAG = 0, 1, 2
_INT: IntegerField[int, int] = IntegerField()
_NULL = Value(None, output_field=_INT)  # a bare NULL: it takes the column's type
_NULL_TIME = Value(None, output_field=TimeField())
_NULL_DATE = Value(None, output_field=DateField())


@functools.cache
def _service_branch() -> QuerySet[Any]:
    return Service.objects.values_list(
        Value(_SERVICE_TAG, output_field=_INT),
        "pk",
        "name",
        "base_price",
        "base_duration_minutes",
        "buffer_after_minutes",
        "excluded_energies",
        "active",
        "tax_rate",
        "required_skill__code",
        "category_overrides__category",
        "category_overrides__price",
        "category_overrides__duration_minutes",
        _NULL_TIME,
        _NULL_TIME,
        _NULL_DATE,
        _NULL_DATE,
    ).order_by()


@functools.cache
def _rule_branch() -> QuerySet[Any]:
    return (
        PriceRule.objects.filter(active=True)
        .values_list(
            Value(_RULE_TAG, output_field=_INT),
            "pk",
            "name",
            "percentage",
            "priority",
            "services",  # the through table's service id: one join, compared with the service's
            "weekdays",
            "all_services",
            _NULL,
            _NULL,
            _NULL,
            _NULL,
            _NULL,
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
        )
        .order_by()
    )


@functools.cache
def _option_branch() -> QuerySet[Any]:
    return Option.objects.values_list(
        Value(_OPTION_TAG, output_field=_INT),
        _NULL,
        "name",
        "price",
        "extra_duration_minutes",
        _NULL,
        _NULL,
        _NULL,
        _NULL,
        "code",
        _NULL,
        _NULL,
        _NULL,
        _NULL,
        _NULL,
        _NULL,
        _NULL,
    ).order_by()


def service_and_rules_for(
    *, code: str, category: str, option_codes: Collection[str]
) -> tuple[int, ServiceData, tuple[PriceRuleData, ...]]:
    """`service_with_key_for` and the active price rules, in ONE query (a UNION ALL of both
    reads and the asked options, see above). The rules are as `active_price_rules` gives them
    as far as this service is concerned (`service_codes` is None for every service, else holds
    this service's code or is empty): what a quote of this service reads of them. NotFound
    (service_not_found)."""
    branches = [_rule_branch().all()]
    codes = sorted(set(option_codes))
    if codes:
        branches.append(_option_branch().filter(services__code=code, code__in=codes))
    rows = list(_service_branch().filter(code=code).union(*branches, all=True))
    service_rows = [row for row in rows if row[0] == _SERVICE_TAG]
    if not service_rows:
        raise NotFound(
            _("No service with the code %(code)s.") % {"code": code},
            code=PricingErrorCode.SERVICE_NOT_FOUND,
            details={"service": code},
        )
    _tag, service_pk, name, base_price, base_minutes, buffer, energies, active = service_rows[0][:8]
    tax_rate, skill = service_rows[0][8:10]
    overrides = tuple(
        CategoryPricing(category, row[11], row[12]) for row in service_rows if row[10] == category
    )
    options = tuple(
        OptionData(row[9], row[2], row[3], row[4]) for row in rows if row[0] == _OPTION_TAG
    )
    service = ServiceData(
        code=code,  # the rows are the service with exactly this code
        name=name,
        base_price=base_price,
        base_duration_minutes=base_minutes,
        tax_rate=tax_rate,
        buffer_after_minutes=buffer,
        required_skill=skill,
        excluded_energies=frozenset(energies or ()),
        overrides=overrides,
        options=tuple(sorted(options, key=lambda option: (option.name, option.code))),
        active=active,
    )
    rules: dict[int, tuple[Any, ...]] = {}
    scopes: dict[int, frozenset[str] | None] = {}
    for row in rows:
        if row[0] != _RULE_TAG:
            continue
        rules.setdefault(row[1], row)
        if row[7]:  # all services
            scopes[row[1]] = None
        elif row[5] == service_pk:
            scopes[row[1]] = frozenset({code})
        else:
            scopes.setdefault(row[1], frozenset())
    rule_data = sorted(
        (
            PriceRuleData(
                id=pk,
                name=row[2],
                percentage=row[3],
                priority=row[4],
                weekdays=frozenset(row[6] or ()),
                start_time=row[13],
                end_time=row[14],
                valid_from=row[15],
                valid_until=row[16],
                service_codes=scopes[pk],
            )
            for pk, row in rules.items()
        ),
        key=lambda rule: rule.sort_key,  # the model's ordering
    )
    return service_pk, service, tuple(rule_data)


# --- the public listing -------------------------------------------------------------------------


def listing_of(service: ServiceData, *, description: str, kind: str) -> dict[str, Any]:
    """One service as the API shows it: prices and durations for every vehicle category."""
    return {
        "code": service.code,
        "name": service.name,
        "description": description,
        "kind": kind,
        "base_price": str(service.base_price),
        "base_duration_minutes": service.base_duration_minutes,
        "tax_rate": str(service.tax_rate),
        "buffer_after_minutes": service.buffer_after_minutes,
        "excluded_energies": sorted(service.excluded_energies),
        "currency": settings.CURRENCY,
        "prices": [
            {
                "category": category,
                "price": str(service.price_for(category)),
                "duration_minutes": service.duration_for(category),
            }
            for category in CATEGORIES
        ],
        "options": [
            {
                "code": option.code,
                "name": option.name,
                "price": str(option.price),
                "extra_duration_minutes": option.extra_duration_minutes,
            }
            for option in service.options
        ],
    }


def _active_listing() -> list[dict[str, Any]]:
    return [
        listing_of(service_data_from(service), description=service.description, kind=service.kind)
        for service in services_with_catalogue().filter(active=True).order_by("name", "code")
    ]


def catalogue_version() -> str:
    """A token that changes with every catalogue change (pricing.services.catalogue_changed).
    Random rather than a counter: if the key is evicted, a new token can never collide with the
    entries cached under an old one."""
    version = shortcut_cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        shortcut_cache.add(CATALOGUE_VERSION_KEY, version, timeout=None)
        version = shortcut_cache.get(CATALOGUE_VERSION_KEY) or version
    return str(version)


def _cached(key: str, compute: Callable[[], T]) -> T:
    """A cache outage must not take the catalogue down: shortcut_cache then misses, so the
    database answers (core.cache logs the outage once a minute, not once a request)."""
    full_key = f"pricing:catalogue:{catalogue_version()}:{key}"
    value = shortcut_cache.get(full_key)
    if value is None:
        value = compute()
        shortcut_cache.set(full_key, value, timeout=CATALOGUE_TTL_SECONDS)
    return value  # type: ignore[no-any-return]


def active_catalogue(*, kind: str | None = None) -> list[dict[str, Any]]:
    """The active services as the API lists them, ordered by name (cached, invalidated on any
    catalogue change)."""
    listing = _cached("active", _active_listing)
    return [item for item in listing if kind is None or item["kind"] == kind]


def active_service_choices() -> list[tuple[str, str]]:
    """(code, name) of the active services, by name: one small query (the back-office's
    choosers)."""
    return list(
        Service.objects.filter(active=True).order_by("name", "code").values_list("code", "name")
    )


def active_service_listing(*, code: str) -> dict[str, Any]:
    for item in active_catalogue():
        if item["code"] == code:
            return item
    raise NotFound(
        _("No service with the code %(code)s.") % {"code": code},
        code=PricingErrorCode.SERVICE_NOT_FOUND,
        details={"service": code},
    )
