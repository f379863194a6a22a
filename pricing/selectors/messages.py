"""The quote's reasons and refusals in the user's language, by code, from the one table
(pricing.domain.messages). Refusals (QuoteRefused) carry their template and are translated when
rendered; the reasons of a quote are plain values, worded here."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext

from pricing.domain.messages import MESSAGES, message_for
from pricing.domain.quote import Quote, QuoteReason


def localised_message(code: str, *, subject: str = "") -> str:
    return message_for(code, subject=subject, translate=gettext)


def localise_quote(quote: Quote) -> Quote:
    return replace(
        quote,
        reasons=tuple(
            QuoteReason(
                code=r.code,
                message=localised_message(r.code, subject=r.subject)
                if r.code in MESSAGES
                else r.message,
                subject=r.subject,
            )
            for r in quote.reasons
        ),
    )
