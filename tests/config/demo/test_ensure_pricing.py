"""The demo's price rules and promo codes: found by name or code, else made through pricing's use
cases (config.demo.ensure)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from config.demo import ensure
from core.errors import NotFound, ValidationFailed
from pricing import public as pricing
from pricing.models import PriceRule, PromoCode
from tests.pricing.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_weekend_rule_for_all_services_is_created_once() -> None:
    rule_id, created = ensure.price_rule(
        name="Weekend surcharge", percentage=Decimal("10"), weekdays=(7, 6)
    )
    again, created_again = ensure.price_rule(name="Weekend surcharge", percentage=Decimal("50"))
    rule = PriceRule.objects.get(pk=rule_id)
    assert (created, created_again, again) == (True, False, rule_id)
    assert rule.weekdays == [6, 7]
    assert rule.all_services is True
    assert rule.percentage == Decimal("10")


def test_a_rule_for_some_services_with_a_time_window() -> None:
    ServiceFactory.create(code="wash")
    rule_id, _ = ensure.price_rule(
        name="Early bird",
        percentage=Decimal("-15"),
        start_time=time(8),
        end_time=time(9),
        service_codes=["wash"],
    )
    rule = PriceRule.objects.get(pk=rule_id)
    assert rule.all_services is False
    assert [s.code for s in rule.services.all()] == ["wash"]


def test_a_rule_naming_an_unknown_service_or_out_of_range_is_refused() -> None:
    with pytest.raises(NotFound):
        ensure.price_rule(name="R", percentage=Decimal("5"), service_codes=["nope"])
    with pytest.raises(ValidationFailed):
        ensure.price_rule(name="R", percentage=Decimal("-80"))
    assert not PriceRule.objects.exists()


def test_a_promo_code_is_created_once_whatever_the_case() -> None:
    promo_id, created = ensure.promo_code(
        code="welcome10", value=Decimal("10"), min_order_total=Decimal("30.00")
    )
    again, created_again = ensure.promo_code(
        code="WELCOME10", value=Decimal("5"), kind=pricing.PROMO_AMOUNT
    )
    promo = PromoCode.objects.get(pk=promo_id)
    assert (created, created_again, again) == (True, False, promo_id)
    assert (promo.code, promo.kind, promo.value) == ("WELCOME10", "percent", Decimal("10"))


def test_an_impossible_promo_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        ensure.promo_code(code="TOOMUCH", value=Decimal("150"))
