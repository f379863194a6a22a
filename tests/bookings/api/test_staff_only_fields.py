"""The workshop's own fields (Booking.STAFF_ONLY_FIELDS, BookingEvent.STAFF_ONLY_FIELDS) reach
operators and the booking's technician, never its customer, wherever the booking is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.accounts.factories import UserFactory
from tests.bookings.factories import at, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


@pytest.fixture
def booking(world, client_for):
    """A customer's booking with an operator's note, confirmed by the operator."""
    created = client_for(world.customer).post(
        "/api/v1/bookings",
        {
            "vehicle": str(world.vehicle.public_id),
            "service": world.service.code,
            "site": str(world.site.public_id),
            "start": at(world.day, 10).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    operator = client_for(world.operator)
    url = f"/api/v1/bookings/{created.json()['id']}"
    noted = operator.patch(url, {"operator_note": "Pays late, ask upfront"}, format="json")
    assert noted.status_code == 200
    assert operator.post(f"{url}/confirm").status_code == 200
    return created.json()["id"]


def _every_booking_view(client, booking_id: str) -> list[dict]:
    url = f"/api/v1/bookings/{booking_id}"
    return [
        client.get(url).json(),
        *client.get("/api/v1/bookings").json()["results"],
        client.patch(url, {"customer_note": "Blue car"}, format="json").json(),
    ]


def test_a_customer_never_gets_the_operator_note(world, client_for, booking) -> None:
    seen = _every_booking_view(client_for(world.customer), booking)
    assert len(seen) == 3
    for shown in seen:
        assert "operator_note" not in shown, shown
        assert "Pays late" not in str(shown)


def test_operators_and_the_technician_get_the_operator_note(world, client_for, booking) -> None:
    technician = UserFactory.create(roles=["technician"])
    world.resources[0].technician = technician
    world.resources[0].save()
    assert client_for(technician).get(f"/api/v1/bookings/{booking}").json()["operator_note"] == (
        "Pays late, ask upfront"
    )
    for shown in _every_booking_view(client_for(world.operator), booking):
        assert shown["operator_note"] == "Pays late, ask upfront"


def test_a_customer_sees_who_acted_by_role_not_by_account(world, client_for, booking) -> None:
    history = client_for(world.customer).get(f"/api/v1/bookings/{booking}/history").json()
    events = history["results"]
    assert [e["actor_role"] for e in events] == ["customer", "operator"]
    for event in events:
        assert "actor" not in event
    assert str(world.operator.public_id) not in str(history)


def test_an_operator_sees_which_account_acted(world, client_for, booking) -> None:
    history = client_for(world.operator).get(f"/api/v1/bookings/{booking}/history").json()
    assert [e["actor"] for e in history["results"]] == [
        str(world.customer.public_id),
        str(world.operator.public_id),
    ]
