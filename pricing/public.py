"""What other apps may use of pricing. (Interface agreed before implementation; the pricing
feature fills in the bodies and may add fields, but keeps these names and meanings.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from core.ports import Port


@dataclass(frozen=True)
class ServiceRequirements:
    """What scheduling needs to place a service for one vehicle category (options included)."""

    code: str
    name: str
    duration_minutes: int
    buffer_after_minutes: int
    required_skill: str | None  # Skill.code, or None when any resource can do it


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # "service" | "option" | "modifier" | "promo"
    code: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class QuoteReason:
    code: str  # e.g. "promo_expired", "option_not_offered"
    message: str


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
    promo_code: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot (amounts as strings), stored on bookings."""
        raise NotImplementedError


# Provided by scheduling: a site's IANA timezone by its public id (None if unknown), so that a quote
# for a site and a start applies the price rules on the site's local wall-clock time.
site_timezone: Port[[UUID], str | None] = Port(
    "pricing.site_timezone", default=lambda site_id: None
)


def service_requirements(
    *, service_code: str, category: str, option_codes: Sequence[str] = (), energy: str | None = None
) -> ServiceRequirements:
    raise NotImplementedError


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
    raise NotImplementedError


def promo_redeem(
    *, code: str, customer_id: int, order_total: Decimal, now: datetime | None = None
) -> int:
    raise NotImplementedError


def promo_release(*, redemption_id: int) -> None:
    raise NotImplementedError
