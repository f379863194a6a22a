"""The messages of the quote's reasons and refusals, by code: English templates marked for
translation, the only table of them. A refusal carries its template and subject and is worded in
the reader's language when rendered (core.errors.DomainError.translated); a quote's reasons are
worded by pricing.selectors.messages. The codes are the stable contract."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import gettext_noop

MESSAGES: dict[str, str] = {
    "service_inactive": gettext_noop("The service %(subject)s is not available at the moment."),
    "service_not_for_energy": gettext_noop("This service cannot be done on %(subject)s vehicles."),
    "option_not_offered": gettext_noop("The option %(subject)s is not offered for this service."),
    "price_rules_need_start": gettext_noop(
        "Time-based prices are not included: give a start time for the exact price."
    ),
    "promo_unknown": gettext_noop("The promo code %(subject)s does not exist."),
    "promo_not_yet_valid": gettext_noop("The promo code %(subject)s is not valid yet."),
    "promo_expired": gettext_noop("The promo code %(subject)s has expired."),
    "promo_exhausted": gettext_noop("The promo code %(subject)s has been used up."),
    "promo_already_used": gettext_noop("You have already used the promo code %(subject)s."),
    "promo_below_minimum": gettext_noop(
        "The order is below the minimum total for the promo code %(subject)s."
    ),
    "promo_invalid": gettext_noop("The promo code %(subject)s is not valid."),
}


def _as_is(text: str) -> str:
    return text


def message_for(code: str, *, subject: str = "", translate: Callable[[str], str] = _as_is) -> str:
    """The message of `code` about `subject`, in English or through `translate` (gettext)."""
    return translate(MESSAGES.get(code, code)) % {"subject": subject}
