"""A promo with one redemption left is redeemed exactly once by concurrent customers."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from pricing import public
from pricing.models import PromoCode, PromoRedemption
from tests.accounts.factories import UserFactory
from tests.concurrency import outcomes, race
from tests.pricing.factories import PromoCodeFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_customers_race_for_the_last_redemption() -> None:
    promo = PromoCodeFactory.create(code="LAST", max_redemptions=5)
    PromoCode.objects.filter(pk=promo.pk).update(redemptions_count=4)
    customers = [UserFactory.create().pk for _ in range(10)]
    results = race(
        *(
            partial(public.promo_redeem, code="last", customer_id=c, order_total=Decimal("50"))
            for c in customers
        )
    )
    assert outcomes(results, success="redeemed") == ["promo_exhausted"] * 9 + ["redeemed"]
    assert PromoCode.objects.get(pk=promo.pk).redemptions_count == 5
    assert PromoRedemption.objects.filter(promo=promo).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_customer_racing_with_itself_redeems_once() -> None:
    PromoCodeFactory.create(code="ONCE")
    customer_id = UserFactory.create().pk
    redeem = partial(
        public.promo_redeem, code="ONCE", customer_id=customer_id, order_total=Decimal("50")
    )
    results = race(*([redeem] * 8))
    assert outcomes(results, success="redeemed") == ["promo_already_used"] * 7 + ["redeemed"]
    assert PromoCode.objects.get(code="ONCE").redemptions_count == 1
