"""`pricing.public.booking_terms`: what bookings gets from one catalogue read is exactly what the
separate calls give (requirements, strict quote, service key), refusals included."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TypedDict

import pytest
from pytest_django import DjangoAssertNumQueries

from core.errors import Conflict, NotFound
from pricing import public as pricing
from pricing.selectors.catalogue import (
    active_price_rules,
    service_and_rules_for,
    service_with_key_for,
)
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


class _Ask(TypedDict):
    service_code: str
    category: str
    option_codes: list[str]


class _Common(TypedDict):
    category: str
    local_start: datetime
    customer_id: int


def test_booking_terms_agree_with_the_separate_calls(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    customer = UserFactory.create()
    service = ServiceFactory.create(code="wash", required_skill=SkillFactory.create(code="wet"))
    other = ServiceFactory.create(code="other")
    CategoryOverrideFactory.create(service=service, category="large")
    OptionFactory.create(code="wax", services=[service])
    PriceRuleFactory.create(percentage=Decimal("10.00"), weekdays=[1])
    PriceRuleFactory.create(percentage=Decimal("-5.00"), services=[service, other])
    PriceRuleFactory.create(percentage=Decimal("20.00"), services=[other])
    ask: _Ask = {"service_code": "wash", "category": "large", "option_codes": ["wax"]}
    with django_assert_num_queries(1):  # the service with its override and options, price rules
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
    customer = UserFactory.create()
    wash = ServiceFactory.create(code="wash", excluded_energies=["electric"])
    ServiceFactory.create(code="old", active=False)
    OptionFactory.create(code="elsewhere")
    PriceRuleFactory.create(
        percentage=Decimal("10.00"), services=[wash]
    )  # the one read has rules too
    common: _Common = {"category": "small", "local_start": MONDAY_10, "customer_id": customer.pk}
    with pytest.raises(NotFound) as unknown:
        pricing.booking_terms(service_code="nope", **common)
    assert unknown.value.code == "service_not_found"
    with pytest.raises(Conflict) as inactive:
        pricing.booking_terms(service_code="old", **common)
    assert inactive.value.code == "service_inactive"
    with pytest.raises(Conflict) as energy:
        pricing.booking_terms(service_code="wash", energy="electric", **common)
    assert energy.value.code == pricing.SERVICE_NOT_FOR_ENERGY
    with pytest.raises(Conflict) as option:
        pricing.booking_terms(service_code="wash", option_codes=["elsewhere"], **common)
    assert option.value.code == "option_not_offered"
    assert option.value.details["option"] == "elsewhere"
    with pytest.raises(Conflict) as promo:
        pricing.booking_terms(service_code="wash", promo_code="NOPE", **common)
    assert promo.value.code == "promo_unknown"


@pytest.mark.parametrize("category", ["small", "large", "van"])
@pytest.mark.parametrize("option_codes", [(), ("wax",), ("wax", "vac", "elsewhere", "wax")])
def test_the_one_read_agrees_with_the_service_read_and_the_rules_read(
    category: str, option_codes: tuple[str, ...], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The UNION ALL of the service and the rules gives what the two reads give, types included
    (times, days, decimals and JSON come back the same on SQLite), the rules narrowed to this
    service."""
    service = ServiceFactory.create(
        code="wash",
        required_skill=SkillFactory.create(code="wet"),
        excluded_energies=["electric"],
        buffer_after_minutes=10,
        tax_rate=Decimal("5.50"),
        base_price=Decimal("40.00"),
    )
    other = ServiceFactory.create(code="other")
    CategoryOverrideFactory.create(service=service, category="large", price=Decimal("55.00"))
    CategoryOverrideFactory.create(
        service=service, category="van", price=None, duration_minutes=120
    )
    CategoryOverrideFactory.create(service=other, category="small", price=Decimal("1.00"))
    OptionFactory.create(code="wax", price=Decimal("15.50"), services=[service])
    OptionFactory.create(code="vac", extra_duration_minutes=0, services=[service, other])
    OptionFactory.create(code="elsewhere", services=[other])
    PriceRuleFactory.create(
        name="Evenings",
        percentage=Decimal("12.50"),
        weekdays=[1, 5],
        start_time=time(17, 0),
        end_time=time(19, 30),
        valid_from=date(2030, 1, 1),
        valid_until=date(2030, 12, 31),
        priority=5,
    )
    PriceRuleFactory.create(name="Both", percentage=Decimal("-5.00"), services=[other, service])
    PriceRuleFactory.create(name="Theirs", percentage=Decimal("20.00"), services=[other])
    PriceRuleFactory.create(name="Off", percentage=Decimal("30.00"), active=False)

    with django_assert_num_queries(1):
        pk, data, rules = service_and_rules_for(
            code="wash", category=category, option_codes=option_codes
        )

    key, expected = service_with_key_for(code="wash", category=category, option_codes=option_codes)
    by_name = sorted(expected.options, key=lambda option: (option.name, option.code))
    assert (pk, data) == (key, replace(expected, options=tuple(by_name)))
    narrowed = [
        replace(
            rule,
            service_codes=None if rule.service_codes is None else rule.service_codes & {"wash"},
        )
        for rule in active_price_rules()
    ]
    assert list(rules) == sorted(narrowed, key=lambda rule: rule.sort_key)
    assert [rule.name for rule in rules] == ["Evenings", "Both", "Theirs"]
    evenings = rules[0]
    assert (evenings.start_time, evenings.valid_until) == (time(17, 0), date(2030, 12, 31))
    assert evenings.weekdays == frozenset({1, 5})


def test_an_unknown_service_is_not_found_whatever_the_rules() -> None:
    PriceRuleFactory.create(percentage=Decimal("10.00"))
    with pytest.raises(NotFound) as unknown:
        service_and_rules_for(code="nope", category="small", option_codes=["wax"])
    assert unknown.value.code == "service_not_found"
