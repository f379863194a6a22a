"""What a booking tells its reader about what they may do now: `actions` lists only what this
caller may do at this moment (the same policies the services apply), with the deadlines and the
cost of cancelling now, so that a client hard-codes none of the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from bookings import services
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=1)


def _confirmed(world: World) -> Booking:
    start = at(world.day, 10)
    booking = world.book(10, now=start - timedelta(days=5))
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=start - timedelta(days=5)
    )
    return booking


def _seen(client_for: Callable[[User], APIClient], user: User, booking: Booking) -> dict[str, Any]:
    response = client_for(user).get(f"/api/v1/bookings/{booking.public_id}")
    assert response.status_code == 200
    seen: dict[str, Any] = response.json()
    return seen


def test_a_customer_is_not_offered_a_reschedule_inside_24_hours(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    booking = _confirmed(world)
    start = booking.start
    clock.set(start - timedelta(hours=25))
    early = _seen(client_for, booking.customer, booking)
    assert early["actions"] == ["reschedule", "cancel"]
    assert datetime.fromisoformat(early["reschedule_deadline"]) == start - timedelta(hours=24)
    assert early["cancellation_cost"] == {"amount": "0.00", "percent": "0", "currency": "EUR"}

    clock.set(start - timedelta(hours=3))
    late = _seen(client_for, booking.customer, booking)
    assert late["actions"] == ["cancel"]  # the service would refuse reschedule_too_late
    assert datetime.fromisoformat(late["reschedule_deadline"]) == start - timedelta(hours=24)
    assert late["cancellation_cost"] == {"amount": "25.00", "percent": "50", "currency": "EUR"}
    assert late["confirmation_deadline"] is None

    # The cost shown is the fee charged when cancelling at that moment.
    cancelled = client_for(booking.customer).post(
        f"/api/v1/bookings/{booking.public_id}/cancel", {}, format="json"
    )
    assert cancelled.json()["fee"] == "25.00"
    assert cancelled.json()["actions"] == []
    assert cancelled.json()["cancellation_cost"] is None
    assert cancelled.json()["reschedule_deadline"] is None


def test_an_operator_sees_the_operators_actions_at_this_moment(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    booking = _confirmed(world)
    start = booking.start
    clock.set(start - timedelta(hours=3))
    seen = _seen(client_for, world.operator, booking)
    assert seen["actions"] == ["reschedule", "cancel"]  # not yet start (30 min) nor no-show
    assert datetime.fromisoformat(seen["reschedule_deadline"]) == start
    assert seen["cancellation_cost"] == {"amount": "0.00", "percent": "0", "currency": "EUR"}
    clock.set(start - timedelta(minutes=10))
    assert _seen(client_for, world.operator, booking)["actions"] == [
        "reschedule",
        "start",
        "cancel",
    ]
    clock.set(start + timedelta(minutes=20))
    assert _seen(client_for, world.operator, booking)["actions"] == ["start", "cancel", "no-show"]


def test_a_pending_booking_shows_its_confirmation_deadline_and_costs_nothing_to_cancel(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    start = at(world.day, 10)
    booking = world.book(10, now=start - timedelta(hours=1))
    clock.set(start - timedelta(minutes=30))
    seen = _seen(client_for, booking.customer, booking)
    assert seen["actions"] == ["cancel"]
    assert datetime.fromisoformat(seen["confirmation_deadline"]) == start  # sooner than 2 h
    assert seen["cancellation_cost"]["amount"] == "0.00"
    operator = _seen(client_for, world.operator, booking)
    assert operator["actions"] == ["confirm", "reschedule", "cancel"]
    clock.set(start)
    assert _seen(client_for, world.operator, booking)["actions"] == ["cancel"]


def test_rating_is_offered_once_within_its_window(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    booking = _confirmed(world)
    start = booking.start
    services.booking_start(booking_id=booking.pk, actor=world.operator, now=start)
    services.booking_complete(
        booking_id=booking.pk, actor=world.operator, now=start + timedelta(hours=1)
    )
    clock.set(start + timedelta(days=2))
    assert _seen(client_for, booking.customer, booking)["actions"] == ["rate"]
    assert _seen(client_for, world.operator, booking)["actions"] == []
    clock.set(start + timedelta(days=16))
    assert _seen(client_for, booking.customer, booking)["actions"] == []
    clock.set(start + timedelta(days=2))
    services.booking_rate(booking_id=booking.pk, actor=booking.customer, stars=5)
    assert _seen(client_for, booking.customer, booking)["actions"] == []


def test_the_technician_of_the_resource_sees_start_and_complete(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    technician = UserFactory.create(roles=["technician"])
    world.resources[0].technician = technician
    world.resources[0].save()
    booking = _confirmed(world)
    clock.set(booking.start - timedelta(minutes=5))
    seen = _seen(client_for, technician, booking)
    assert seen["actions"] == ["start"]
    assert seen["reschedule_deadline"] is None
    assert seen["cancellation_cost"] is None


def test_the_list_shows_the_same_and_costs_no_more_queries(
    world: World,
    client_for: Callable[[User], APIClient],
    clock: FakeClock,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    bookings = []
    for hour in (8, 9, 10, 11):
        bookings.append(world.book(hour, now=at(world.day, 7) - timedelta(days=5)))
    clock.set(at(world.day, 7) - timedelta(days=5))
    with django_assert_max_num_queries(6):
        listed = client_for(world.operator).get("/api/v1/bookings").json()["results"]
    assert {b["reference"]: b["actions"] for b in listed} == {
        b.reference: ["confirm", "reschedule", "cancel"] for b in bookings
    }
    assert all(b["cancellation_cost"]["amount"] == "0.00" for b in listed)
    assert Decimal(listed[0]["total"]) == Decimal("50.00")
