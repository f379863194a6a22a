"""Plain catalogue values for the domain tests (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pricing.domain.catalogue import (
    CategoryPricing,
    OptionData,
    PriceRuleData,
    PromoData,
    ServiceData,
)

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)  # a Monday
SATURDAY_10H = datetime(2025, 6, 7, 10, 0)  # local wall clock
MONDAY_10H = datetime(2025, 6, 2, 10, 0)

WAX = OptionData("wax", "Hand wax", Decimal("15.00"), 20)
INTERIOR = OptionData("interior", "Interior vacuum", Decimal("12.50"), 15)


def service(**overrides: Any) -> ServiceData:
    values: dict[str, Any] = {
        "code": "full-wash",
        "name": "Full wash",
        "base_price": Decimal("40.00"),
        "base_duration_minutes": 45,
        "tax_rate": Decimal("20.00"),
        "buffer_after_minutes": 10,
        "overrides": (CategoryPricing("large", Decimal("55.00"), 60),),
        "options": (WAX, INTERIOR),
    }
    values.update(overrides)
    return ServiceData(**values)


def rule(**overrides: Any) -> PriceRuleData:
    values: dict[str, Any] = {"id": 1, "name": "Weekend", "percentage": Decimal("15")}
    values.update(overrides)
    return PriceRuleData(**values)


def promo(**overrides: Any) -> PromoData:
    values: dict[str, Any] = {"code": "SUMMER10", "kind": "percent", "value": Decimal("10")}
    values.update(overrides)
    return PromoData(**values)
