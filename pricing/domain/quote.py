"""The quote: a pure function of the catalogue data and the request (SPEC §4).

Lines, in order: the service at its category price, each option, each matching price rule (in
priority order, on the running subtotal), then the promo. Every line is rounded half-up to the
cent on its own; the total is the sum of the lines and never goes below zero; the tax is the part
of that tax-inclusive total at the service's rate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.errors import Conflict
from pricing.domain.catalogue import PriceRuleData, PromoData, ServiceData
from pricing.domain.codes import PricingErrorCode
from pricing.domain.messages import message_for, template_for
from pricing.domain.money import ZERO, cents, percent_of, tax_included
from pricing.domain.promo import (
    PROMO_UNKNOWN,
    promo_discount,
    promo_refusal,
    promo_refusal_shown,
)
from pricing.domain.vocabulary import (
    LINE_MODIFIER,
    LINE_OPTION,
    LINE_PROMO,
    LINE_SERVICE,
    PROMO_PERCENT,
    normalize_promo_code,
)

SERVICE_INACTIVE = PricingErrorCode.SERVICE_INACTIVE
SERVICE_NOT_FOR_ENERGY = PricingErrorCode.SERVICE_NOT_FOR_ENERGY
OPTION_NOT_OFFERED = PricingErrorCode.OPTION_NOT_OFFERED
RULES_NEED_START = PricingErrorCode.PRICE_RULES_NEED_START


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # "service" | "option" | "modifier" | "promo"
    code: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class QuoteReason:
    code: str  # a PricingErrorCode ("promo_expired", "option_not_offered"; a str once stored)
    message: str
    subject: str = ""  # what it is about: the option or promo code


@dataclass(frozen=True)
class Quote:
    service_code: str
    category: str
    lines: tuple[QuoteLine, ...]
    total: Decimal
    tax_included: Decimal
    currency: str
    duration_minutes: int
    buffer_after_minutes: int
    reasons: tuple[QuoteReason, ...]
    promo_code: str | None  # the code applied (normalised), None when none applies
    service_name: str = ""
    tax_rate: Decimal = Decimal("20.00")
    energy: str | None = None
    option_codes: tuple[str, ...] = ()  # the options quoted (those offered)
    start: datetime | None = None  # the local start the price rules were matched on
    required_skill: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot (amounts as strings), stored on bookings."""
        return {
            "service_code": self.service_code,
            "service_name": self.service_name,
            "category": self.category,
            "energy": self.energy,
            "options": list(self.option_codes),
            "start": self.start.isoformat() if self.start is not None else None,
            "lines": [
                {
                    "kind": line.kind,
                    "code": line.code,
                    "label": line.label,
                    "amount": str(line.amount),
                }
                for line in self.lines
            ],
            "total": str(self.total),
            "tax_included": str(self.tax_included),
            "tax_rate": str(self.tax_rate),
            "currency": self.currency,
            "duration_minutes": self.duration_minutes,
            "buffer_after_minutes": self.buffer_after_minutes,
            "reasons": [
                {"code": r.code, "message": r.message, "subject": r.subject} for r in self.reasons
            ],
            "promo_code": self.promo_code,
            "required_skill": self.required_skill,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        """The inverse of `as_dict` (a booking's snapshot back as a Quote)."""
        return cls(
            service_code=data["service_code"],
            service_name=data.get("service_name", ""),
            category=data["category"],
            energy=data.get("energy"),
            option_codes=tuple(data.get("options", ())),
            start=datetime.fromisoformat(data["start"]) if data.get("start") else None,
            lines=tuple(
                QuoteLine(
                    kind=line["kind"],
                    code=line["code"],
                    label=line["label"],
                    amount=Decimal(line["amount"]),
                )
                for line in data["lines"]
            ),
            total=Decimal(data["total"]),
            tax_included=Decimal(data["tax_included"]),
            tax_rate=Decimal(data.get("tax_rate", "20.00")),
            currency=data["currency"],
            duration_minutes=int(data["duration_minutes"]),
            buffer_after_minutes=int(data["buffer_after_minutes"]),
            reasons=tuple(
                QuoteReason(code=r["code"], message=r["message"], subject=r.get("subject", ""))
                for r in data.get("reasons", ())
            ),
            promo_code=data.get("promo_code"),
            required_skill=data.get("required_skill"),
        )


def _reason(code: PricingErrorCode, subject: str = "") -> QuoteReason:
    return QuoteReason(code=code, message=message_for(code, subject=subject), subject=subject)


class QuoteRefused(Conflict):
    """A refusal of the quote (409) that knows what it is about, so it can be re-worded."""

    def __init__(self, code: PricingErrorCode, subject: str = "", **details: Any) -> None:
        # The English template and its subject: translated as a whole when rendered.
        super().__init__(
            template_for(code), params={"subject": subject}, code=code, details=details
        )
        self.subject = subject


def _refuse(code: PricingErrorCode, subject: str = "", **details: Any) -> QuoteRefused:
    return QuoteRefused(code, subject, **details)


def check_service(service: ServiceData, *, energy: str | None) -> None:
    """The refusals that no quote can get around: an inactive service, a forbidden energy."""
    if not service.active:
        raise _refuse(SERVICE_INACTIVE, service.code, service=service.code)
    if energy is not None and energy in service.excluded_energies:
        raise _refuse(SERVICE_NOT_FOR_ENERGY, energy, service=service.code, energy=energy)


def unique_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes in the order given, each once (asking twice for an option buys it once)."""
    return tuple(dict.fromkeys(codes))


def quoted_duration(
    service: ServiceData, *, category: str, option_codes: Sequence[str]
) -> tuple[int, tuple[str, ...]]:
    """Minutes of work for `category` with the offered options, and which options those were."""
    chosen = [o for o in (service.option(c) for c in unique_codes(option_codes)) if o is not None]
    extra = sum(option.extra_duration_minutes for option in chosen)
    offered = tuple(option.code for option in chosen)
    return service.duration_for(category) + extra, offered


def compute_quote(
    *,
    service: ServiceData,
    category: str,
    now: datetime,
    currency: str,
    energy: str | None = None,
    option_codes: Sequence[str] = (),
    local_start: datetime | None = None,
    rules: Sequence[PriceRuleData] = (),
    promo_code: str | None = None,
    promo: PromoData | None = None,
    strict: bool = False,
    anonymous: bool = False,
) -> Quote:
    """`promo` is the state of `promo_code` (None when no such code exists). With `strict`, what
    would otherwise be a reason (an option not offered, a promo that does not apply) is refused
    with a Conflict of that code: a booking must not silently differ from what was asked. For an
    `anonymous` caller, a code that does not apply reads as `promo_refusal_shown` says."""
    check_service(service, energy=energy)
    reasons: list[QuoteReason] = []
    lines = [
        QuoteLine(LINE_SERVICE, service.code, service.name, cents(service.price_for(category)))
    ]

    requested = unique_codes(option_codes)
    for code in requested:
        option = service.option(code)
        if option is None:
            if strict:
                raise _refuse(OPTION_NOT_OFFERED, code, option=code, service=service.code)
            reasons.append(_reason(OPTION_NOT_OFFERED, code))
            continue
        lines.append(QuoteLine(LINE_OPTION, option.code, option.name, cents(option.price)))
    duration, offered = quoted_duration(service, category=category, option_codes=requested)

    subtotal = sum((line.amount for line in lines), ZERO)
    if local_start is None:
        if any(rule.concerns(service.code) for rule in rules):
            reasons.append(_reason(RULES_NEED_START))
    else:
        matching = sorted(
            (rule for rule in rules if rule.matches(service.code, local_start)),
            key=lambda rule: rule.sort_key,
        )
        for rule in matching:
            amount = percent_of(subtotal, rule.percentage)
            lines.append(
                QuoteLine(
                    LINE_MODIFIER,
                    f"rule-{rule.id}",
                    _rule_label(rule.name, rule.percentage),
                    amount,
                )
            )
            subtotal += amount

    applied_code: str | None = None
    if promo_code is not None and promo_code.strip():
        wanted = normalize_promo_code(promo_code)
        refusal = (
            PROMO_UNKNOWN if promo is None else promo_refusal(promo, now=now, order_total=subtotal)
        )
        if refusal is not None:
            refusal = promo_refusal_shown(refusal, anonymous=anonymous)
            if strict:
                raise _refuse(refusal, wanted, promo_code=wanted)
            reasons.append(_reason(refusal, wanted))
        else:
            assert promo is not None
            discount = promo_discount(promo, order_total=subtotal)
            lines.append(QuoteLine(LINE_PROMO, promo.code, _promo_label(promo), -discount))
            subtotal -= discount
            applied_code = promo.code

    total = max(sum((line.amount for line in lines), ZERO), ZERO)
    return Quote(
        service_code=service.code,
        service_name=service.name,
        category=category,
        energy=energy,
        option_codes=offered,
        start=local_start,
        lines=tuple(lines),
        total=total,
        tax_included=tax_included(total, service.tax_rate),
        tax_rate=service.tax_rate,
        currency=currency,
        duration_minutes=duration,
        buffer_after_minutes=service.buffer_after_minutes,
        reasons=tuple(reasons),
        promo_code=applied_code,
        required_skill=service.required_skill,
    )


def _signed(percentage: Decimal) -> str:
    text = f"{percentage.normalize():f}"
    return text if percentage < 0 else f"+{text}"


def _rule_label(name: str, percentage: Decimal) -> str:
    return f"{name} ({_signed(percentage)} %)"


def _promo_label(promo: PromoData) -> str:
    if promo.kind == PROMO_PERCENT:
        return f"{promo.code} (-{promo.value.normalize():f} %)"
    return promo.code
