"""The codes of pricing's refusals (the top-level `error.code` of the envelope) and of a quote's
reasons: a reason a quote gives (an option not offered, a promo code that does not apply) is the
refusal a booking on the same terms gets, so both share one vocabulary. pricing.domain.messages
words each of them. site_not_found and service_not_found are pricing's (its quotes raise them
first): scheduling and the composition root use these members (pricing.public)."""

from __future__ import annotations

from enum import StrEnum


class PricingErrorCode(StrEnum):
    # 404
    SERVICE_NOT_FOUND = "service_not_found"
    SKILL_NOT_FOUND = "skill_not_found"
    SITE_NOT_FOUND = "site_not_found"
    # 409: a quote's refusals, also reasons of a quote (pricing.domain.quote)
    SERVICE_INACTIVE = "service_inactive"
    SERVICE_NOT_FOR_ENERGY = "service_not_for_energy"
    OPTION_NOT_OFFERED = "option_not_offered"
    # only a quote's reason (the price without its time-based rules), never a refusal
    PRICE_RULES_NEED_START = "price_rules_need_start"
    # 409: a promo code that does not apply (pricing.domain.promo); an anonymous caller gets
    # promo_invalid for the first four
    PROMO_UNKNOWN = "promo_unknown"
    PROMO_NOT_YET_VALID = "promo_not_yet_valid"
    PROMO_EXPIRED = "promo_expired"
    PROMO_EXHAUSTED = "promo_exhausted"
    PROMO_ALREADY_USED = "promo_already_used"
    PROMO_BELOW_MINIMUM = "promo_below_minimum"
    PROMO_INVALID = "promo_invalid"
    # 409: the back-office's catalogue and promo codes
    SKILL_EXISTS = "skill_exists"
    SKILL_IN_USE = "skill_in_use"
    SERVICE_EXISTS = "service_exists"
    SERVICE_IN_USE = "service_in_use"
    OPTION_EXISTS = "option_exists"
    PROMO_EXISTS = "promo_exists"
    PROMO_IN_USE = "promo_in_use"
    # 400: a catalogue file that does not read (pricing.domain.catalogue_file)
    CATALOGUE_INVALID = "catalogue_invalid"


# The refusals of a promo code (pricing.domain.promo), in the order they are checked.
PROMO_REFUSALS: tuple[PricingErrorCode, ...] = (
    PricingErrorCode.PROMO_UNKNOWN,
    PricingErrorCode.PROMO_NOT_YET_VALID,
    PricingErrorCode.PROMO_EXPIRED,
    PricingErrorCode.PROMO_EXHAUSTED,
    PricingErrorCode.PROMO_ALREADY_USED,
    PricingErrorCode.PROMO_BELOW_MINIMUM,
    PricingErrorCode.PROMO_INVALID,
)
# What a quote (and a booking on its terms) is refused with: its service, options and promo code.
QUOTE_REFUSALS: tuple[PricingErrorCode, ...] = (
    PricingErrorCode.SERVICE_INACTIVE,
    PricingErrorCode.SERVICE_NOT_FOR_ENERGY,
    PricingErrorCode.OPTION_NOT_OFFERED,
    *PROMO_REFUSALS,
)
