"""`pricing.public.booking_terms`: what bookings gets from one catalogue read is exactly what the
separate calls give (requirements, strict quote, service key), refusals included."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.errors import Conflict, NotFound
from pricing import public as pricing
from pricing.selectors.catalogue import active_price_rules
from tests.accounts.factories import UserFactory
from tests.pricing.factories import (
    CategoryOverrideFactory,
    OptionFactory,
    PriceRuleFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def test_booking_terms_agree_with_the_separate_calls(django_assert_num_queries) -> None:
    customer = UserFactory()
    service = ServiceFactory(code="wash", required_skill=SkillFactory(code="wet"))
    other = ServiceFactory(code="other")
    CategoryOverrideFactory(service=service, category="large")
    OptionFactory(code="wax", services=[service])
    PriceRuleFactory(percentage=Decimal("10.00"), weekdays=[1])
    PriceRuleFactory(percentage=Decimal("-5.00"), services=[service, other])
    PriceRuleFactory(percentage=Decimal("20.00"), services=[other])
    ask = {"service_code": "wash", "category": "large", "option_codes": ["wax"]}
    with django_assert_num_queries(2):  # the service with its override and options; price rules
        terms = pricing.booking_terms(
            **ask, local_start=MONDAY_10, customer_id=customer.pk, energy="petrol", now=MONDAY_10
        )
    assert terms.requirements == pricing.service_requirements(**ask, energy="petrol")
    expected = pricing.quote(
        **ask, energy="petrol", local_start=MONDAY_10, customer_id=customer.pk, strict=True,
        now=MONDAY_10,
    )  # fmt: skip
    assert terms.quote == expected
    assert terms.service_pk == pricing.service_pk("wash")
    rules = {rule.percentage: rule.service_codes for rule in active_price_rules()}
    assert rules == {
        Decimal("10.00"): None,
        Decimal("-5.00"): frozenset({"wash", "other"}),
        Decimal("20.00"): frozenset({"other"}),
    }


def test_booking_terms_refuse_like_the_quote() -> None:
    customer = UserFactory()
    ServiceFactory(code="wash")
    ServiceFactory(code="old", active=False)
    common = {"category": "small", "local_start": MONDAY_10, "customer_id": customer.pk}
    with pytest.raises(NotFound) as unknown:
        pricing.booking_terms(service_code="nope", **common)
    assert unknown.value.code == "service_not_found"
    with pytest.raises(Conflict) as inactive:
        pricing.booking_terms(service_code="old", **common)
    assert inactive.value.code == "service_inactive"
    with pytest.raises(Conflict) as promo:
        pricing.booking_terms(service_code="wash", promo_code="NOPE", **common)
    assert promo.value.code == "promo_unknown"
