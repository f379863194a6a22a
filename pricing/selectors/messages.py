"""The quote's reasons and refusals in the user's language, by code (the domain speaks English)."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from pricing.domain.messages import message_for
from pricing.domain.quote import Quote, QuoteReason, QuoteRefused

LOCALISED = {
    "service_inactive": _("The service %(subject)s is not available at the moment."),
    "service_not_for_energy": _("This service cannot be done on %(subject)s vehicles."),
    "option_not_offered": _("The option %(subject)s is not offered for this service."),
    "price_rules_need_start": _(
        "Time-based prices are not included: give a start time for the exact price."
    ),
    "promo_unknown": _("The promo code %(subject)s does not exist."),
    "promo_not_yet_valid": _("The promo code %(subject)s is not valid yet."),
    "promo_expired": _("The promo code %(subject)s has expired."),
    "promo_exhausted": _("The promo code %(subject)s has been used up."),
    "promo_already_used": _("You have already used the promo code %(subject)s."),
    "promo_below_minimum": _(
        "The order is below the minimum total for the promo code %(subject)s."
    ),
    "promo_invalid": _("The promo code %(subject)s is not valid."),
}


def localised_message(code: str, *, subject: str = "") -> str:
    return message_for(code, subject=subject, table=LOCALISED)  # type: ignore[arg-type]


def localise_error(error: DomainError) -> DomainError:
    """The same refusal, its message in the active language (when we know the code)."""
    if isinstance(error, QuoteRefused) and error.code in LOCALISED:
        error.message = localised_message(error.code, subject=error.subject)
    return error


def localise_quote(quote: Quote) -> Quote:
    return replace(
        quote,
        reasons=tuple(
            QuoteReason(
                code=r.code,
                message=localised_message(r.code, subject=r.subject)
                if r.code in LOCALISED
                else r.message,
                subject=r.subject,
            )
            for r in quote.reasons
        ),
    )
