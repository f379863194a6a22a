"""The messages of the quote's reasons and refusals, by code: English templates marked for
translation, the only table of them. A refusal carries its template and subject and is worded in
the reader's language when rendered (core.errors.DomainError.translated); a quote's reasons are
worded by pricing.selectors.messages. The codes are the stable contract."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import gettext_noop
from pricing.domain.codes import PricingErrorCode as Code

MESSAGES: dict[Code, str] = {
    Code.SERVICE_INACTIVE: gettext_noop("The service %(subject)s is not available at the moment."),
    Code.SERVICE_NOT_FOR_ENERGY: gettext_noop(
        "This service cannot be done on %(subject)s vehicles."
    ),
    Code.OPTION_NOT_OFFERED: gettext_noop(
        "The option %(subject)s is not offered for this service."
    ),
    Code.PRICE_RULES_NEED_START: gettext_noop(
        "Time-based prices are not included: give a start time for the exact price."
    ),
    Code.PROMO_UNKNOWN: gettext_noop("The promo code %(subject)s does not exist."),
    Code.PROMO_NOT_YET_VALID: gettext_noop("The promo code %(subject)s is not valid yet."),
    Code.PROMO_EXPIRED: gettext_noop("The promo code %(subject)s has expired."),
    Code.PROMO_EXHAUSTED: gettext_noop("The promo code %(subject)s has been used up."),
    Code.PROMO_ALREADY_USED: gettext_noop("You have already used the promo code %(subject)s."),
    Code.PROMO_BELOW_MINIMUM: gettext_noop(
        "The order is below the minimum total for the promo code %(subject)s."
    ),
    Code.PROMO_INVALID: gettext_noop("The promo code %(subject)s is not valid."),
}


def _as_is(text: str) -> str:
    return text


def template_for(code: str) -> str:
    """The English template of `code` (a member, or its value as a stored quote holds it); the
    code itself when it has none."""
    try:
        return MESSAGES[Code(code)]
    except (ValueError, KeyError):
        return code


def message_for(code: str, *, subject: str = "", translate: Callable[[str], str] = _as_is) -> str:
    """The message of `code` about `subject`, in English or through `translate` (gettext)."""
    return translate(template_for(code)) % {"subject": subject}
