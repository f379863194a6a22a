"""A promo with one redemption left is redeemed exactly once by concurrent customers."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict
from pricing import public
from pricing.models import PromoCode, PromoRedemption
from tests.accounts.factories import UserFactory
from tests.pricing.factories import PromoCodeFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_customers_race_for_the_last_redemption() -> None:
    promo = PromoCodeFactory(code="LAST", max_redemptions=5)
    PromoCode.objects.filter(pk=promo.pk).update(redemptions_count=4)
    customers = [UserFactory().pk for _ in range(10)]
    barrier = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(customer_id: int) -> None:
        try:
            barrier.wait()
            public.promo_redeem(code="last", customer_id=customer_id, order_total=Decimal("50"))
            result = "redeemed"
        except Conflict as refusal:
            result = refusal.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["promo_exhausted"] * 9 + ["redeemed"]
    assert PromoCode.objects.get(pk=promo.pk).redemptions_count == 5
    assert PromoRedemption.objects.filter(promo=promo).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_customer_racing_with_itself_redeems_once() -> None:
    PromoCodeFactory(code="ONCE")
    customer_id = UserFactory().pk
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            public.promo_redeem(code="ONCE", customer_id=customer_id, order_total=Decimal("50"))
            result = "redeemed"
        except Conflict as refusal:
            result = refusal.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["promo_already_used"] * 7 + ["redeemed"]
    assert PromoCode.objects.get(code="ONCE").redemptions_count == 1
