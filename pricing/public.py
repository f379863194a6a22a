"""What other apps may use of pricing: a service's scheduling requirements, a booking's terms
(requirements and strict quote from one catalogue read), the quote, promo redemption and release,
the internal keys they store, and the `site_timezone` port that scheduling provides. Everything
here is already plain values: re-exported as it is."""

from __future__ import annotations

from pricing.domain.codes import QUOTE_REFUSALS, PricingErrorCode
from pricing.domain.ports import site_timezone
from pricing.domain.quote import SERVICE_NOT_FOR_ENERGY, Quote, QuoteLine, QuoteReason, QuoteRefused
from pricing.domain.terms import BookingTerms, ServiceRequirements
from pricing.domain.vocabulary import PROMO_AMOUNT, PROMO_PERCENT
from pricing.selectors.catalogue import active_catalogue, active_service_choices
from pricing.selectors.ids import service_pk, skill_pks
from pricing.selectors.quotes import booking_terms, quote, service_requirements
from pricing.services.promos import promo_redeem, promo_release

__all__ = [
    "PROMO_AMOUNT",
    "PROMO_PERCENT",
    "QUOTE_REFUSALS",
    "SERVICE_NOT_FOR_ENERGY",
    "BookingTerms",
    "PricingErrorCode",
    "Quote",
    "QuoteLine",
    "QuoteReason",
    "QuoteRefused",
    "ServiceRequirements",
    "active_catalogue",
    "active_service_choices",
    "booking_terms",
    "promo_redeem",
    "promo_release",
    "quote",
    "service_pk",
    "service_requirements",
    "site_timezone",
    "skill_pks",
]
