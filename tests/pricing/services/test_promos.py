"""promo_redeem / promo_release: counting, once per customer, release once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.errors import Conflict, NotFound
from pricing import public
from pricing.models import PromoCode, PromoRedemption
from tests.accounts.factories import UserFactory
from tests.pricing.factories import PromoCodeFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def redeem(code: str, customer_id: int, total: str = "50.00") -> int:
    return public.promo_redeem(
        code=code, customer_id=customer_id, order_total=Decimal(total), now=NOW
    )


def count(code: str) -> int:
    return PromoCode.objects.get(code=code).redemptions_count


def test_a_redemption_is_recorded_and_counted_whatever_the_case_of_the_code() -> None:
    PromoCodeFactory.create(code="WELCOME", max_redemptions=5)
    customer = UserFactory.create()
    redemption_id = redeem(" welcome ", customer.pk)
    redemption = PromoRedemption.objects.get(pk=redemption_id)
    assert (redemption.customer_id, redemption.order_total) == (customer.pk, Decimal("50.00"))
    assert redemption.redeemed_at == NOW
    assert count("WELCOME") == 1


def test_a_customer_uses_a_code_once() -> None:
    PromoCodeFactory.create(code="WELCOME")
    customer = UserFactory.create()
    redeem("WELCOME", customer.pk)
    with pytest.raises(Conflict) as caught:
        redeem("WELCOME", customer.pk)
    assert caught.value.code == "promo_already_used"
    assert count("WELCOME") == 1
    redeem("WELCOME", UserFactory.create().pk)
    assert count("WELCOME") == 2


def test_the_last_redemption_exhausts_the_code() -> None:
    PromoCodeFactory.create(code="FEW", max_redemptions=1)
    redeem("FEW", UserFactory.create().pk)
    with pytest.raises(Conflict) as caught:
        redeem("FEW", UserFactory.create().pk)
    assert caught.value.code == "promo_exhausted"
    assert (count("FEW"), PromoRedemption.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("promo", "total", "code"),
    [
        ({"valid_until": NOW}, "50.00", "promo_expired"),
        ({"valid_from": NOW + timedelta(seconds=1)}, "50.00", "promo_not_yet_valid"),
        ({"min_order_total": Decimal("50.01")}, "50.00", "promo_below_minimum"),
    ],
)
def test_a_code_that_does_not_apply_is_refused_and_nothing_is_counted(
    promo: dict[str, object], total: str, code: str
) -> None:
    PromoCodeFactory.create(code="DEAL", **promo)
    with pytest.raises(Conflict) as caught:
        redeem("DEAL", UserFactory.create().pk, total)
    assert caught.value.code == code
    assert caught.value.details == {"promo_code": "DEAL"}
    assert (count("DEAL"), PromoRedemption.objects.count()) == (0, 0)


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(Conflict) as caught:
        redeem("GHOST", UserFactory.create().pk)
    assert caught.value.code == "promo_unknown"


def test_a_release_gives_the_use_back_once() -> None:
    PromoCodeFactory.create(code="FEW", max_redemptions=1)
    customer = UserFactory.create()
    redemption_id = redeem("FEW", customer.pk)

    public.promo_release(redemption_id=redemption_id, now=NOW)
    public.promo_release(redemption_id=redemption_id, now=NOW)  # a second release counts nothing

    assert count("FEW") == 0
    assert PromoRedemption.objects.get(pk=redemption_id).released_at == NOW
    # The use is back: the same customer (or another) may redeem it again.
    again = redeem("FEW", customer.pk)
    assert again != redemption_id
    assert count("FEW") == 1


def test_releasing_an_unknown_redemption_is_not_found() -> None:
    with pytest.raises(NotFound):
        public.promo_release(redemption_id=987654)


def test_redeem_joins_the_callers_transaction() -> None:
    """Bookings redeem inside their own transaction: if the booking fails, the use is not lost."""
    from django.db import transaction

    PromoCodeFactory.create(code="FEW", max_redemptions=1)
    customer_id = UserFactory.create().pk

    def booking_that_fails() -> None:
        with transaction.atomic():
            redeem("FEW", customer_id)
            raise RuntimeError("the booking insert failed")

    with pytest.raises(RuntimeError):
        booking_that_fails()
    assert (count("FEW"), PromoRedemption.objects.count()) == (0, 0)


def test_a_use_the_locked_read_missed_is_refused_by_the_index_and_not_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A redemption that waited for the same customer's other one reads the code as that one
    left it, but not the use it committed (the read's snapshot predates it): the unique index
    refuses the second use, its count is rolled back and the caller's transaction goes on."""
    from django.db import transaction

    from pricing.selectors.promos import promo_data_from as read
    from pricing.services import promos

    PromoCodeFactory.create(code="ONCE")
    customer_id = UserFactory.create().pk
    redeem("ONCE", customer_id)
    monkeypatch.setattr(
        promos, "promo_data_from", lambda promo, **_used: read(promo, used_by_customer=False)
    )
    with transaction.atomic():  # a booking being made
        with pytest.raises(Conflict) as caught:
            redeem("ONCE", customer_id)
        assert caught.value.code == "promo_already_used"
        assert count("ONCE") == 1
    assert (count("ONCE"), PromoRedemption.objects.count()) == (1, 1)
