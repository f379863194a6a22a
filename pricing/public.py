"""What other apps may use of pricing: the quote, a service's scheduling requirements, promo
redemption and release, and the `site_timezone` Port that scheduling provides."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pricing import selectors, services
from pricing.domain.catalogue_file import CatalogueInvalid
from pricing.domain.ports import site_timezone
from pricing.domain.quote import Quote, QuoteLine, QuoteReason
from pricing.domain.vocabulary import PROMO_AMOUNT, PROMO_PERCENT
from pricing.selectors import ids
from pricing.selectors.quotes import booking_terms as _booking_terms
from pricing.services import ImportSummary

__all__ = [
    "PROMO_AMOUNT",
    "PROMO_PERCENT",
    "BookingTerms",
    "CatalogueInvalid",
    "ImportSummary",
    "Quote",
    "QuoteLine",
    "QuoteReason",
    "ServiceRequirements",
    "booking_terms",
    "import_catalogue",
    "promo_redeem",
    "promo_release",
    "quote",
    "quote_from_snapshot",
    "service_pk",
    "service_requirements",
    "site_timezone",
    "skill_pks",
]


@dataclass(frozen=True)
class ServiceRequirements:
    """What scheduling needs to place a service for one vehicle category (options included)."""

    code: str
    name: str
    duration_minutes: int
    buffer_after_minutes: int
    required_skill: str | None  # Skill.code, or None when any resource can do it


def service_requirements(
    *, service_code: str, category: str, option_codes: Sequence[str] = (), energy: str | None = None
) -> ServiceRequirements:
    """Minutes of work for the category with the options the service offers (others are ignored,
    as the quote ignores them), the clean-up buffer and the skill. NotFound (service_not_found),
    Conflict (service_inactive, service_not_for_energy), ValidationFailed (unknown category or
    energy)."""
    service, minutes = selectors.service_duration(
        service_code=service_code, category=category, option_codes=option_codes, energy=energy
    )
    return ServiceRequirements(
        code=service.code,
        name=service.name,
        duration_minutes=minutes,
        buffer_after_minutes=service.buffer_after_minutes,
        required_skill=service.required_skill,
    )


@dataclass(frozen=True)
class BookingTerms:
    """A booking's service, scheduling requirements and strict quote from one catalogue read."""

    service_pk: int
    requirements: ServiceRequirements
    quote: Quote


def booking_terms(
    *,
    service_code: str,
    category: str,
    energy: str | None = None,
    option_codes: Sequence[str] = (),
    local_start: datetime,
    promo_code: str | None = None,
    customer_id: int,
    now: datetime | None = None,
) -> BookingTerms:
    """`service_requirements`, `quote(strict=True)` and `service_pk` in one: the catalogue is
    read once (three queries), the price rules in one more, the promo code's state when one is
    given. The refusals are theirs, in the same order."""
    terms = _booking_terms(
        service_code=service_code,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start,
        promo_code=promo_code,
        customer_id=customer_id,
        now=now,
    )
    service = terms.service
    return BookingTerms(
        service_pk=terms.service_pk,
        requirements=ServiceRequirements(
            code=service.code,
            name=service.name,
            duration_minutes=terms.minutes,
            buffer_after_minutes=service.buffer_after_minutes,
            required_skill=service.required_skill,
        ),
        quote=terms.quote,
    )


def quote(
    *,
    service_code: str,
    category: str,
    energy: str | None = None,
    option_codes: Sequence[str] = (),
    local_start: datetime | None = None,
    promo_code: str | None = None,
    customer_id: int | None = None,
    strict: bool = False,
    now: datetime | None = None,
) -> Quote:
    """The price of the service for a vehicle category. `local_start` is the booking's start on
    the site's wall clock (the price rules match it); `customer_id` lets the promo check "already
    used". Non-strict, an option not offered or a promo that does not apply becomes a reason;
    strict (bookings), they are refused with a Conflict of the same code."""
    return selectors.quote_for(
        service_code=service_code,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start,
        promo_code=promo_code,
        customer_id=customer_id,
        strict=strict,
        now=now,
    )


def quote_from_snapshot(data: dict[str, object]) -> Quote:
    """A Quote back from its `as_dict()` snapshot (what a booking stored)."""
    return Quote.from_dict(data)


def promo_redeem(
    *, code: str, customer_id: int, order_total: Decimal, now: datetime | None = None
) -> int:
    """One use of the code by the customer, counted exactly under concurrency; returns the
    redemption id. `order_total`: the total before the promo line (the minimum is checked on it).
    Conflict codes: promo_unknown, promo_not_yet_valid, promo_expired, promo_exhausted,
    promo_already_used, promo_below_minimum. Joins the caller's transaction when there is one."""
    return services.promo_redeem(
        code=code, customer_id=customer_id, order_total=order_total, now=now
    )


def promo_release(*, redemption_id: int, now: datetime | None = None) -> None:
    """Gives the use back (booking cancelled before confirmation, or expired); idempotent."""
    services.promo_release(redemption_id=redemption_id, now=now)


def service_pk(code: str) -> int:
    """The service's internal key by code, for a foreign key (bookings). NotFound when unknown."""
    return ids.service_pk(code)


def skill_pks(codes: Collection[str]) -> list[int]:
    """The skills' internal keys in the order of `codes`, for scheduling's resources. NotFound
    (skill_not_found, details: the unknown codes)."""
    return ids.skill_pks(codes)


def import_catalogue(*, content: str, fmt: str, dry_run: bool = False) -> ImportSummary:
    """Imports a catalogue file's content (`fmt` "csv" or "json", docs/rules/pricing.md): all or
    nothing, idempotent. CatalogueInvalid lists every problem."""
    return services.catalogue_import(content=content, fmt=fmt, dry_run=dry_run)
