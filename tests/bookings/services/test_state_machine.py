"""django-fsm is the enforcer of the booking's state machine (docs/adr/0010-state-machine-shape.md):
its transitions carry their data, their condition is the domain's rules for the attempt the
booking service binds, and no transition runs without one. No database here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed

from bookings.domain.policies import Attempt
from bookings.domain.states import Role
from bookings.models import Booking
from core.errors import Conflict, ValidationFailed

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


def _booking(state: str = "pending", *, starts_in: timedelta = timedelta(hours=3)) -> Booking:
    start = NOW + starts_in
    return Booking(
        pk=1,
        state=state,
        start=start,
        end=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
        pending_since=NOW - timedelta(minutes=5),
        total=Decimal("80.00"),
    )


def test_a_transition_called_without_the_service_does_not_run() -> None:
    booking = _booking()
    with pytest.raises(TransitionNotAllowed):
        booking.confirm(at=NOW)
    assert booking.state == "pending"
    assert booking.confirmed_at is None


def test_an_attempt_for_another_action_does_not_open_this_one() -> None:
    booking = _booking()
    booking.attempt = Attempt(action="expire", role=Role.SYSTEM, now=NOW)
    with pytest.raises(TransitionNotAllowed):
        booking.confirm(at=NOW)
    assert booking.state == "pending"


def test_a_transition_sets_its_data_and_says_what_it_changed() -> None:
    booking = _booking()
    booking.attempt = Attempt(action="confirm", role=Role.OPERATOR, now=NOW)
    assert booking.confirm(at=NOW) == ("confirmed_at", "calendar_sequence")
    assert booking.state == "confirmed"
    assert booking.confirmed_at == NOW
    assert booking.calendar_sequence == 1


def test_the_condition_raises_the_domains_own_refusal() -> None:
    booking = _booking(starts_in=-timedelta(minutes=1))  # it has started
    booking.attempt = Attempt(action="confirm", role=Role.OPERATOR, now=NOW)
    with pytest.raises(Conflict) as refused:
        booking.confirm(at=NOW)
    assert refused.value.code == "too_late"
    assert booking.state == "pending"


def test_cancel_carries_its_data_and_an_operator_needs_a_reason() -> None:
    booking = _booking("confirmed")
    booking.attempt = Attempt(action="cancel", role=Role.OPERATOR, now=NOW, reason="  ")
    with pytest.raises(ValidationFailed):
        booking.cancel(at=NOW, by=None, reason="  ", fee=Decimal("0"))
    booking.attempt = Attempt(action="cancel", role=Role.OPERATOR, now=NOW, reason=" Flood ")
    booking.cancel(at=NOW, by=None, reason=" Flood ", fee=Decimal("8.00"))
    assert (booking.state, booking.cancellation_reason, booking.fee) == (
        "cancelled",
        "Flood",
        Decimal("8.00"),
    )


def test_a_state_the_machine_refuses_is_refused_before_the_rules() -> None:
    booking = _booking("completed")
    booking.attempt = Attempt(action="cancel", role=Role.CUSTOMER, now=NOW)
    with pytest.raises(TransitionNotAllowed):
        booking.cancel(at=NOW, by=None, reason="", fee=Decimal("0"))
