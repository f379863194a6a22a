"""The booking state machine and its policies, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookings.domain import policies
from bookings.domain.errors import InvalidTransition
from bookings.domain.policies import Timing
from bookings.domain.states import ACTIVE_STATES, TRANSITIONS, Role, State, allowed_transitions
from core.errors import Conflict, PermissionDenied, ValidationFailed

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TIMING = Timing(
    start=START, end=START + timedelta(hours=1), pending_since=START - timedelta(days=3)
)

# SPEC §6, row by row: action -> (sources, target, roles)
SPEC_TABLE = {
    "confirm": ({"pending"}, "confirmed", {"operator"}),
    "expire": ({"pending"}, "expired", {"system"}),
    "reschedule": ({"pending", "confirmed"}, None, {"customer", "operator"}),
    "start": ({"confirmed"}, "in_progress", {"operator", "technician"}),
    "complete": ({"in_progress"}, "completed", {"operator", "technician"}),
    "cancel": ({"pending", "confirmed"}, "cancelled", {"customer", "operator"}),
    "no_show": ({"confirmed"}, "no_show", {"operator"}),
}


def test_the_transition_table_is_the_spec_table() -> None:
    assert set(TRANSITIONS) == set(SPEC_TABLE)
    for name, (sources, target, roles) in SPEC_TABLE.items():
        transition = TRANSITIONS[name]
        assert {s.value for s in transition.sources} == sources, name
        assert (transition.target.value if transition.target else None) == target, name
        assert {r.value for r in transition.roles} == roles, name


def test_active_states_block_time() -> None:
    assert {s.value for s in ACTIVE_STATES} == {"pending", "confirmed", "in_progress"}


@pytest.mark.parametrize("action", sorted(SPEC_TABLE))
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("role", list(Role))
def test_every_allowed_and_forbidden_transition(action: str, state: State, role: Role) -> None:
    sources, _target, roles = SPEC_TABLE[action]
    if role.value not in roles:
        with pytest.raises(PermissionDenied):
            policies.check_transition(action, state=state, role=role)
    elif state.value not in sources:
        with pytest.raises(InvalidTransition) as excinfo:
            policies.check_transition(action, state=state, role=role)
        assert excinfo.value.code == "invalid_transition"
        assert excinfo.value.details["state"] == state.value
        assert excinfo.value.status == 409
    else:
        policies.check_transition(action, state=state, role=role)


def test_allowed_transitions_lists_the_buttons_for_a_role() -> None:
    assert allowed_transitions(State.CONFIRMED, Role.OPERATOR) == [
        "reschedule",
        "start",
        "cancel",
        "no_show",
    ]
    assert allowed_transitions(State.CONFIRMED, Role.CUSTOMER) == ["reschedule", "cancel"]
    assert allowed_transitions(State.COMPLETED, Role.OPERATOR) == []


def test_confirm_only_before_start() -> None:
    policies.check_confirm(
        state=State.PENDING, role=Role.OPERATOR, timing=TIMING, now=START - timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as excinfo:
        policies.check_confirm(state=State.PENDING, role=Role.OPERATOR, timing=TIMING, now=START)
    assert excinfo.value.code == "too_late"


@pytest.mark.parametrize(
    ("role", "before_start", "allowed"),
    [
        (Role.CUSTOMER, timedelta(hours=24), True),
        (Role.CUSTOMER, timedelta(hours=24) - timedelta(seconds=1), False),
        (Role.CUSTOMER, timedelta(days=3), True),
        (Role.OPERATOR, timedelta(minutes=1), True),
        (Role.OPERATOR, timedelta(0), False),
    ],
)
def test_reschedule_notice(role: Role, before_start: timedelta, allowed: bool) -> None:
    now = START - before_start
    if allowed:
        policies.check_reschedule(state=State.CONFIRMED, role=role, timing=TIMING, now=now)
    else:
        with pytest.raises(Conflict) as excinfo:
            policies.check_reschedule(state=State.CONFIRMED, role=role, timing=TIMING, now=now)
        assert excinfo.value.code in {"reschedule_too_late", "too_late"}


def test_customer_reschedule_of_confirmed_goes_back_to_pending_unless_auto_confirm() -> None:
    assert (
        policies.state_after_reschedule(
            state=State.CONFIRMED, role=Role.CUSTOMER, auto_confirm=False
        )
        is State.PENDING
    )
    assert (
        policies.state_after_reschedule(
            state=State.CONFIRMED, role=Role.CUSTOMER, auto_confirm=True
        )
        is State.CONFIRMED
    )
    assert (
        policies.state_after_reschedule(
            state=State.CONFIRMED, role=Role.OPERATOR, auto_confirm=False
        )
        is State.CONFIRMED
    )
    assert (
        policies.state_after_reschedule(state=State.PENDING, role=Role.CUSTOMER, auto_confirm=False)
        is State.PENDING
    )


@pytest.mark.parametrize(
    ("now", "code"),
    [
        (START - timedelta(minutes=31), "too_early"),
        (START - timedelta(minutes=30), None),
        (START + timedelta(minutes=59), None),
        (START + timedelta(hours=1), None),
        (START + timedelta(hours=1, seconds=1), "too_late"),
    ],
)
def test_start_window(now: datetime, code: str | None) -> None:
    if code is None:
        policies.check_start(state=State.CONFIRMED, role=Role.TECHNICIAN, timing=TIMING, now=now)
    else:
        with pytest.raises(Conflict) as excinfo:
            policies.check_start(
                state=State.CONFIRMED, role=Role.TECHNICIAN, timing=TIMING, now=now
            )
        assert excinfo.value.code == code


def test_no_show_from_fifteen_minutes_after_start() -> None:
    with pytest.raises(Conflict):
        policies.check_no_show(
            state=State.CONFIRMED,
            role=Role.OPERATOR,
            timing=TIMING,
            now=START + timedelta(minutes=14, seconds=59),
        )
    policies.check_no_show(
        state=State.CONFIRMED, role=Role.OPERATOR, timing=TIMING, now=START + timedelta(minutes=15)
    )


def test_operator_cancellation_needs_a_reason() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        policies.check_cancel(state=State.CONFIRMED, role=Role.OPERATOR, reason="  ")
    assert "reason" in excinfo.value.details
    policies.check_cancel(state=State.CONFIRMED, role=Role.OPERATOR, reason="Bay flooded")
    policies.check_cancel(state=State.CONFIRMED, role=Role.CUSTOMER, reason="")


def test_expiry_is_due_after_the_window_or_at_start() -> None:
    created = START - timedelta(hours=5)
    timing = Timing(start=START, end=START + timedelta(hours=1), pending_since=created)
    window = timedelta(minutes=120)
    assert not policies.expiry_due(timing=timing, confirmation_window=window, now=created)
    assert policies.expiry_due(timing=timing, confirmation_window=window, now=created + window)
    late = Timing(
        start=START, end=START + timedelta(hours=1), pending_since=START - timedelta(minutes=30)
    )
    assert policies.expiry_due(timing=late, confirmation_window=window, now=START)
    with pytest.raises(Conflict):
        policies.check_expire(
            state=State.PENDING, timing=timing, confirmation_window=window, now=created
        )


COMPLETED_AT = START + timedelta(hours=1)
COMPLETED = Timing(
    start=START,
    end=START + timedelta(hours=1),
    pending_since=START - timedelta(days=3),
    completed_at=COMPLETED_AT,
)


def _rate(
    *,
    state: State = State.COMPLETED,
    role: Role = Role.CUSTOMER,
    already_rated: bool = False,
    stars: int = 5,
    comment: str = "",
    now: datetime = COMPLETED_AT + timedelta(days=1),
) -> None:
    policies.check_rating(
        state=state,
        role=role,
        already_rated=already_rated,
        stars=stars,
        comment=comment,
        timing=COMPLETED,
        now=now,
    )


def test_rating_window_is_fourteen_days_after_completion() -> None:
    _rate(now=COMPLETED_AT + timedelta(days=14))
    with pytest.raises(Conflict) as excinfo:
        _rate(now=COMPLETED_AT + timedelta(days=14, seconds=1))
    assert excinfo.value.code == "rating_window_closed"


def test_rating_is_once_by_the_customer_of_a_completed_booking() -> None:
    with pytest.raises(Conflict) as excinfo:
        _rate(already_rated=True)
    assert excinfo.value.code == "already_rated"
    with pytest.raises(PermissionDenied):
        _rate(role=Role.OPERATOR)
    with pytest.raises(InvalidTransition):
        _rate(state=State.CONFIRMED)


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_rating_stars_between_one_and_five(stars: int) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        _rate(stars=stars)
    assert "rating" in excinfo.value.details


def test_rating_comment_at_most_1000_characters() -> None:
    _rate(comment="x" * 1000)
    with pytest.raises(ValidationFailed) as excinfo:
        _rate(comment="x" * 1001)
    assert "rating_comment" in excinfo.value.details
