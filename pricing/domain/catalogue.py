"""The catalogue as plain values: what the quote and the scheduling requirements are computed
from. Selectors build these from the database; tests build them by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from core.errors import gettext_noop


@dataclass(frozen=True)
class CategoryPricing:
    """A per-category override: what is None falls back to the service's base."""

    category: str
    price: Decimal | None = None
    duration_minutes: int | None = None


@dataclass(frozen=True)
class OptionData:
    code: str
    name: str
    price: Decimal
    extra_duration_minutes: int = 0


@dataclass(frozen=True)
class ServiceData:
    code: str
    name: str
    base_price: Decimal
    base_duration_minutes: int
    tax_rate: Decimal = Decimal("20.00")
    buffer_after_minutes: int = 0
    required_skill: str | None = None
    excluded_energies: frozenset[str] = frozenset()
    overrides: tuple[CategoryPricing, ...] = ()
    options: tuple[OptionData, ...] = ()
    active: bool = True

    def price_for(self, category: str) -> Decimal:
        override = self._override(category)
        if override is not None and override.price is not None:
            return override.price
        return self.base_price

    def duration_for(self, category: str) -> int:
        override = self._override(category)
        if override is not None and override.duration_minutes is not None:
            return override.duration_minutes
        return self.base_duration_minutes

    def option(self, code: str) -> OptionData | None:
        return next((option for option in self.options if option.code == code), None)

    def _override(self, category: str) -> CategoryPricing | None:
        return next((o for o in self.overrides if o.category == category), None)


@dataclass(frozen=True)
class PriceRuleData:
    """A time-based modifier. Empty weekdays = every day; no times = all day; no dates = always;
    `service_codes` None = every service."""

    id: int
    name: str
    percentage: Decimal
    priority: int = 100
    weekdays: frozenset[int] = frozenset()
    start_time: time | None = None
    end_time: time | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    service_codes: frozenset[str] | None = None

    def concerns(self, service_code: str) -> bool:
        return self.service_codes is None or service_code in self.service_codes

    def matches(self, service_code: str, local_start: datetime) -> bool:
        """On the start's own wall clock: the weekday, the day and the time as the customer
        reads them at the site."""
        if not self.concerns(service_code):
            return False
        if self.weekdays and local_start.isoweekday() not in self.weekdays:
            return False
        day = local_start.date()
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_until is not None and day > self.valid_until:
            return False
        if self.start_time is not None and self.end_time is not None:
            clock = local_start.time().replace(tzinfo=None)
            if not self.start_time <= clock < self.end_time:
                return False
        return True

    @property
    def sort_key(self) -> tuple[int, str, int]:
        # Ties on priority are broken by name then id, so the order never depends on how the
        # rules happened to be fetched.
        return (self.priority, self.name, self.id)


@dataclass(frozen=True)
class PromoData:
    """A promo code's state as seen at quote time (`used_by_customer` for the asking customer)."""

    code: str
    kind: str  # vocabulary.PROMO_PERCENT | PROMO_AMOUNT
    value: Decimal
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = None
    redemptions_count: int = 0
    min_order_total: Decimal = Decimal("0.00")
    used_by_customer: bool = False


# A price rule applies to every service or to the services it names: never both, never neither.
SCOPE_BOTH = gettext_noop("Untick “all services” to limit the rule to these.")
SCOPE_NONE = gettext_noop("Choose the services, or tick “all services”.")


def price_rule_scope_problem(*, all_services: bool, named_services: int) -> str | None:
    """What is wrong with a price rule's scope (SCOPE_BOTH, SCOPE_NONE), None when it is right."""
    if all_services and named_services:
        return SCOPE_BOTH
    if not all_services and not named_services:
        return SCOPE_NONE
    return None
