"""The outlook of a booking (what its reader may do now) on plain values: it offers exactly what
the policies accept, at the policies' own boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bookings.domain.outlook import Outlook, outlook
from bookings.domain.policies import Timing
from bookings.domain.states import Role, State

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TIMING = Timing(
    start=START, end=START + timedelta(hours=1), pending_since=START - timedelta(days=3)
)
WINDOW = timedelta(minutes=120)


def seen(state: State, role: Role, now: datetime) -> Outlook:
    return outlook(
        state=state,
        role=role,
        timing=TIMING,
        now=now,
        confirmation_window=WINDOW,
        total=Decimal("50.00"),
        already_rated=False,
    )


def test_a_customers_reschedule_is_offered_up_to_the_notice_itself() -> None:
    deadline = START - timedelta(hours=24)
    assert "reschedule" in seen(State.CONFIRMED, Role.CUSTOMER, deadline).actions
    later = seen(State.CONFIRMED, Role.CUSTOMER, deadline + timedelta(seconds=1))
    assert "reschedule" not in later.actions
    assert later.reschedule_deadline == deadline


def test_the_cancellation_cost_follows_the_fee_tiers() -> None:
    cost = seen(State.CONFIRMED, Role.CUSTOMER, START - timedelta(hours=2)).cancellation_cost
    assert cost is not None
    assert (cost.percent, cost.amount) == (Decimal("50"), Decimal("25.00"))
    cost = seen(State.CONFIRMED, Role.CUSTOMER, START - timedelta(hours=1)).cancellation_cost
    assert cost is not None
    assert cost.amount == Decimal("50.00")
    assert seen(State.COMPLETED, Role.CUSTOMER, START).cancellation_cost is None
