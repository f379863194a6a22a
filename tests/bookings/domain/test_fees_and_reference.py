from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bookings.domain.fees import FeeTier, cancellation_fee, no_show_fee
from bookings.domain.reference import ALPHABET, new_reference, normalize_reference
from bookings.domain.states import Role, State

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TOTAL = Decimal("89.90")


@pytest.mark.parametrize(
    ("before_start", "percent", "amount"),
    [
        (timedelta(days=3), "0", "0.00"),
        (timedelta(hours=24), "0", "0.00"),
        (timedelta(hours=24) - timedelta(seconds=1), "50", "44.95"),
        (timedelta(hours=3), "50", "44.95"),
        (timedelta(hours=2), "50", "44.95"),
        (timedelta(hours=2) - timedelta(seconds=1), "100", "89.90"),
        (timedelta(0), "100", "89.90"),
        (-timedelta(minutes=10), "100", "89.90"),
    ],
)
def test_customer_cancelling_a_confirmed_booking_pays_the_tier(
    before_start: timedelta, percent: str, amount: str
) -> None:
    fee = cancellation_fee(
        total=TOTAL,
        state=State.CONFIRMED,
        role=Role.CUSTOMER,
        start=START,
        now=START - before_start,
    )
    assert fee.percent == Decimal(percent)
    assert fee.amount == Decimal(amount)


def test_pending_cancelled_by_its_customer_costs_nothing() -> None:
    fee = cancellation_fee(
        total=TOTAL, state=State.PENDING, role=Role.CUSTOMER, start=START, now=START
    )
    assert fee.amount == Decimal("0.00")


def test_operator_cancellation_costs_nothing() -> None:
    fee = cancellation_fee(
        total=TOTAL,
        state=State.CONFIRMED,
        role=Role.OPERATOR,
        start=START,
        now=START - timedelta(minutes=5),
    )
    assert fee.amount == Decimal("0.00")


def test_no_show_costs_everything() -> None:
    assert no_show_fee(total=TOTAL).amount == TOTAL


def test_fee_rounds_half_up_to_the_cent() -> None:
    fee = cancellation_fee(
        total=Decimal("10.05"),
        state=State.CONFIRMED,
        role=Role.CUSTOMER,
        start=START,
        now=START - timedelta(hours=5),
    )
    assert fee.amount == Decimal("5.03")  # 5.025 -> 5.03


def test_tiers_come_from_settings() -> None:
    tiers = (FeeTier(timedelta(hours=48), Decimal("0")), FeeTier(timedelta(0), Decimal("30")))
    fee = cancellation_fee(
        total=Decimal("100.00"),
        state=State.CONFIRMED,
        role=Role.CUSTOMER,
        start=START,
        now=START - timedelta(hours=30),
        tiers=tiers,
    )
    assert fee.amount == Decimal("30.00")


def test_reference_shape_and_alphabet() -> None:
    rng = random.Random(7)
    refs = {new_reference(rng.choice) for _ in range(500)}
    assert all(re.fullmatch(r"BK-[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}", ref) for ref in refs)
    assert len(refs) == 500
    assert not set("01OIL") & set(ALPHABET)


def test_reference_normalisation_accepts_what_people_type() -> None:
    assert normalize_reference("bk 7f3k9q") == "BK-7F3K9Q"
    assert normalize_reference("7F3K9Q") == "BK-7F3K9Q"
    assert normalize_reference("BK-7F3K9Q") == "BK-7F3K9Q"
