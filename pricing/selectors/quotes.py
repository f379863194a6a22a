"""The quote, assembled from the catalogue and the request; a read, it writes nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import NotFound, ValidationFailed
from pricing.domain.catalogue import PriceRuleData, ServiceData
from pricing.domain.codes import PricingErrorCode
from pricing.domain.ports import site_timezone
from pricing.domain.quote import Quote, check_service, compute_quote, quoted_duration
from pricing.domain.terms import BookingTerms, ServiceRequirements
from pricing.selectors.catalogue import service_and_rules_for, service_data, service_data_for
from pricing.selectors.messages import localise_quote
from pricing.selectors.promos import promo_data
from vehicles.public import check_vocabulary, profile_for

logger = logging.getLogger(__name__)


def checked_service(
    *,
    service_code: str,
    category: str,
    energy: str | None,
    option_codes: Sequence[str] | None = None,
) -> ServiceData:
    """The service, refused if unknown (404), inactive or not for this energy (409). With
    `option_codes`, read in one query with only what this category and these options need."""
    check_vocabulary(category=category, energy=energy)
    if option_codes is None:
        service = service_data(code=service_code)
    else:
        service = service_data_for(code=service_code, category=category, option_codes=option_codes)
    check_service(service, energy=energy)
    return service


def service_requirements(
    *, service_code: str, category: str, option_codes: Sequence[str] = (), energy: str | None = None
) -> ServiceRequirements:
    """Minutes of work for the category with the options the service offers (others are ignored,
    as the quote ignores them), the clean-up buffer and the skill. NotFound (service_not_found),
    Conflict (service_inactive, service_not_for_energy), ValidationFailed (unknown category or
    energy)."""
    service = checked_service(
        service_code=service_code, category=category, energy=energy, option_codes=option_codes
    )
    minutes, _offered = quoted_duration(service, category=category, option_codes=option_codes)
    return ServiceRequirements.of(service, minutes=minutes)


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
    strict (bookings), they are refused with a Conflict of the same code. One query for the
    service and the price rules (`service_and_rules_for`), one more for a promo code."""
    check_vocabulary(category=category, energy=energy)
    _service_pk, service, rules = service_and_rules_for(
        code=service_code, category=category, option_codes=option_codes
    )
    check_service(service, energy=energy)
    return _priced(
        service,
        rules=rules,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start,
        promo_code=promo_code,
        customer_id=customer_id,
        strict=strict,
        now=now,
    )


def _priced(
    service: ServiceData,
    *,
    rules: Sequence[PriceRuleData],
    category: str,
    energy: str | None,
    option_codes: Sequence[str],
    local_start: datetime | None,
    promo_code: str | None,
    customer_id: int | None,
    strict: bool,
    now: datetime | None,
) -> Quote:
    """The quote of an already checked service and its price rules: the promo's state read (one
    query), the pure computation, its refusals and labels in the active language."""
    wanted_promo = promo_code.strip() if promo_code else None
    quote = compute_quote(
        service=service,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start,
        rules=rules,
        promo_code=wanted_promo,
        promo=(promo_data(code=wanted_promo, customer_id=customer_id) if wanted_promo else None),
        strict=strict,
        anonymous=customer_id is None,
        now=resolve_now(now),
        currency=settings.CURRENCY,
    )
    return localise_quote(quote)


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
    """What a booking needs from the catalogue from ONE read of it (one query for the service
    and the price rules, one more for the promo code's state when one is given): the service's
    key, its scheduling requirements (refused like `service_requirements`) and the strict quote
    (refused like `quote(strict=True)`, in the same order)."""
    check_vocabulary(category=category, energy=energy)
    # Only what this category and these options need, with the price rules, in one query (the
    # quote reads nothing else of the catalogue; issue 16: 4 queries, then 2).
    service_pk, service, rules = service_and_rules_for(
        code=service_code, category=category, option_codes=option_codes
    )
    check_service(service, energy=energy)
    minutes, _offered = quoted_duration(service, category=category, option_codes=option_codes)
    quote = _priced(
        service,
        rules=rules,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start,
        promo_code=promo_code,
        customer_id=customer_id,
        strict=True,
        now=now,
    )
    return BookingTerms(
        service_pk=service_pk,
        requirements=ServiceRequirements.of(service, minutes=minutes),
        quote=quote,
    )


def local_start_at(*, start: datetime, site_id: UUID | None) -> datetime:
    """`start` on the site's wall clock; without a site, on its own offset (the client's local
    time). NotFound (site_not_found) for an unknown site."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValidationFailed(
            details={"start": [_("Give the time with its UTC offset, e.g. +02:00.")]}
        )
    if site_id is None:
        return start
    tz_name = site_timezone(site_id)
    if tz_name is None:
        raise NotFound(
            _("No such site."), code=PricingErrorCode.SITE_NOT_FOUND, details={"site": str(site_id)}
        )
    try:
        return start.astimezone(ZoneInfo(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("site %s has an unknown timezone %r", site_id, tz_name)
        return start


def quote_for_request(
    *,
    service_code: str,
    category: str | None = None,
    energy: str | None = None,
    vehicle_id: UUID | None = None,
    customer_id: int | None = None,
    option_codes: Sequence[str] = (),
    site_id: UUID | None = None,
    start: datetime | None = None,
    promo_code: str | None = None,
    now: datetime | None = None,
) -> Quote:
    """The API's quote: with a category (and optional energy), or with one of the customer's own
    vehicles (another customer's vehicle is not found; an anonymous caller must sign in)."""
    category, energy = profile_for(
        vehicle_id=vehicle_id, category=category, energy=energy, owner_id=customer_id
    )
    return quote(
        service_code=service_code,
        category=category,
        energy=energy,
        option_codes=option_codes,
        local_start=local_start_at(start=start, site_id=site_id) if start is not None else None,
        promo_code=promo_code,
        customer_id=customer_id,
        now=now,
    )
