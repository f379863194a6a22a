"""The workshop's own fields (Booking.STAFF_ONLY_FIELDS, BookingEvent.STAFF_ONLY_FIELDS) reach
operators and the booking's technician, never its customer, wherever the booking is shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


@pytest.fixture
def booking(world: World, client_for: Callable[[User], APIClient]) -> str:
    """A customer's booking with an operator's note, confirmed by the operator."""
    created = client_for(world.customer).post(
        "/api/v1/bookings",
        world.booking_body(),
        format="json",
    )
    assert created.status_code == 201, created.content
    operator = client_for(world.operator)
    url = f"/api/v1/bookings/{created.json()['id']}"
    noted = operator.patch(url, {"operator_note": "Pays late, ask upfront"}, format="json")
    assert noted.status_code == 200
    assert operator.post(f"{url}/confirm").status_code == 200
    booking_id: str = created.json()["id"]
    return booking_id


def _every_booking_view(client: APIClient, booking_id: str) -> list[dict[str, Any]]:
    url = f"/api/v1/bookings/{booking_id}"
    return [
        client.get(url).json(),
        *client.get("/api/v1/bookings").json()["results"],
        client.patch(url, {"customer_note": "Blue car"}, format="json").json(),
    ]


def test_a_customer_never_gets_the_operator_note(
    world: World, client_for: Callable[[User], APIClient], booking: str
) -> None:
    seen = _every_booking_view(client_for(world.customer), booking)
    assert len(seen) == 3
    for shown in seen:
        assert "operator_note" not in shown, shown
        assert "Pays late" not in str(shown)


def test_operators_and_the_technician_get_the_operator_note(
    world: World, client_for: Callable[[User], APIClient], booking: str
) -> None:
    technician = UserFactory.create(roles=["technician"])
    world.resources[0].technician = technician
    world.resources[0].save()
    assert client_for(technician).get(f"/api/v1/bookings/{booking}").json()["operator_note"] == (
        "Pays late, ask upfront"
    )
    for shown in _every_booking_view(client_for(world.operator), booking):
        assert shown["operator_note"] == "Pays late, ask upfront"


def test_a_customer_sees_who_acted_by_role_not_by_account(
    world: World, client_for: Callable[[User], APIClient], booking: str
) -> None:
    history = client_for(world.customer).get(f"/api/v1/bookings/{booking}/history").json()
    events = history["results"]
    assert [e["actor_role"] for e in events] == ["customer", "operator"]
    for event in events:
        assert "actor" not in event
    assert str(world.operator.public_id) not in str(history)


def test_an_operator_sees_which_account_acted(
    world: World, client_for: Callable[[User], APIClient], booking: str
) -> None:
    history = client_for(world.operator).get(f"/api/v1/bookings/{booking}/history").json()
    assert [e["actor"] for e in history["results"]] == [
        str(world.customer.public_id),
        str(world.operator.public_id),
    ]
