"""An action the API offers is an action the service accepts, and one it does not offer the
service refuses: for a booking in each state, at moments around its start, for its customer and
for an operator, every action is tried through the booking services (each in a transaction
rolled back afterwards) and compared with the booking's outlook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import transaction

from accounts.models import User
from bookings import readmodel, selectors, services
from bookings.domain.policies import OFFERED_ACTIONS
from bookings.domain.states import Role
from bookings.models import Booking
from core.errors import DomainError
from tests.bookings.factories import World, at, make_world

pytestmark = pytest.mark.django_db

MOMENTS = [
    timedelta(days=-2),
    timedelta(hours=-24),
    timedelta(hours=-23),
    timedelta(minutes=-20),
    timedelta(minutes=20),
    timedelta(hours=2),
    timedelta(days=15),
]


class _Undo(Exception):
    pass


def _accepted(attempt: Callable[[], Booking]) -> bool:
    try:
        with transaction.atomic():
            attempt()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


def _attempts(
    booking: Booking, actor: User, now: datetime, world: World
) -> dict[str, Callable[[], Booking]]:
    pk = booking.pk
    return {
        "confirm": lambda: services.booking_confirm(booking_id=pk, actor=actor, now=now),
        "reschedule": lambda: services.booking_reschedule(
            booking_id=pk, actor=actor, start=booking.start + timedelta(hours=5), now=now
        ),
        "start": lambda: services.booking_start(booking_id=pk, actor=actor, now=now),
        "complete": lambda: services.booking_complete(booking_id=pk, actor=actor, now=now),
        "cancel": lambda: services.booking_cancel(
            booking_id=pk, actor=actor, reason="Asked by phone", now=now
        ),
        "no_show": lambda: services.booking_no_show(booking_id=pk, actor=actor, now=now),
        "rate": lambda: services.booking_rate(booking_id=pk, actor=actor, stars=4, now=now),
    }


def _in_state(world: World, state: str) -> Booking:
    start = at(world.day, 10)
    made = start - timedelta(days=5)
    booking = world.book(10, now=made)
    steps = {
        "pending": [],
        "confirmed": ["confirm"],
        "in_progress": ["confirm", "start"],
        "completed": ["confirm", "start", "complete"],
    }[state]
    moments = {"confirm": made, "start": start, "complete": start + timedelta(hours=1)}
    for step in steps:
        getattr(services, f"booking_{step}")(
            booking_id=booking.pk, actor=world.operator, now=moments[step]
        )
    return booking


@pytest.mark.parametrize("state", ["pending", "confirmed", "in_progress", "completed"])
@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.OPERATOR])
def test_what_is_offered_is_what_the_services_accept(state: str, role: Role) -> None:
    world = make_world(resources=1)
    booking = _in_state(world, state)
    actor = booking.customer if role is Role.CUSTOMER else world.operator
    for offset in MOMENTS:
        now = booking.start + offset
        listed = selectors.bookings_visible_to(actor).get(pk=booking.pk)
        view = readmodel.view_of(listed)
        offered = set(selectors.booking_outlook(view, role=role, now=now).actions)
        attempts = _attempts(booking, actor, now, world)
        accepted = {action for action in OFFERED_ACTIONS if _accepted(attempts[action])}
        assert offered == accepted, (state, role.value, offset)
