"""English messages of the quote's reasons and refusals, by code. The services layer translates
them (pricing.services.localise); the codes are the stable contract."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "service_inactive": "The service %(subject)s is not available at the moment.",
    "service_not_for_energy": "This service cannot be done on %(subject)s vehicles.",
    "option_not_offered": "The option %(subject)s is not offered for this service.",
    "price_rules_need_start": (
        "Time-based prices are not included: give a start time for the exact price."
    ),
    "promo_unknown": "The promo code %(subject)s does not exist.",
    "promo_not_yet_valid": "The promo code %(subject)s is not valid yet.",
    "promo_expired": "The promo code %(subject)s has expired.",
    "promo_exhausted": "The promo code %(subject)s has been used up.",
    "promo_already_used": "You have already used the promo code %(subject)s.",
    "promo_below_minimum": "The order is below the minimum total for the promo code %(subject)s.",
    "promo_invalid": "The promo code %(subject)s is not valid.",
}


def message_for(code: str, *, subject: str = "", table: dict[str, str] | None = None) -> str:
    template = (table or MESSAGES).get(code, code)
    return template % {"subject": subject}
