"""GET /api/v1/availability/explain: why one start is offered or not, per resource, with the
nearest offered starts; operators see resources and bookings, customers only the reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock
from tests.scheduling.factories import ClosureFactory

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse  # the test client's response

pytestmark = pytest.mark.django_db

URL = "/api/v1/availability/explain"


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _ask(client: APIClient, world: World, start: datetime, **extra: str) -> _MonkeyPatchedResponse:
    params = {
        "service": world.service.code,
        **({} if "vehicle" in extra else {"category": "small"}),
        "site": str(world.site.public_id),
        "start": start.isoformat(),
        **extra,
    }
    return client.get(URL, params)


def test_an_offered_start_is_offered_with_its_free_resources(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = _ask(client_for(world.operator), world, at(world.day, 10))
    assert response.status_code == 200
    body = response.json()
    assert body["offered"] is True
    assert body["reasons"] == []
    assert body["start"] == at(world.day, 10).isoformat()
    assert [(r["name"], r["free"]) for r in body["resources"]] == [("Bay 1", True), ("Bay 2", True)]
    assert body["nearest"]["before"][11:16] == "09:45"
    assert body["nearest"]["after"][11:16] == "10:15"


def test_every_rule_is_given_not_the_first(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    ClosureFactory.create(
        site=world.site, start=at(world.day, 11), end=at(world.day, 12), reason="Inventory"
    )
    body = _ask(client_for(world.operator), world, at(world.day, 11, 40)).json()
    assert body["offered"] is False
    assert [r["code"] for r in body["reasons"]] == [
        "outside_opening_hours",
        "not_on_grid",
        "site_closed",
    ]
    assert body["reasons"][2]["closures"][0]["reason"] == "Inventory"


def test_operators_see_the_blocking_bookings_per_resource(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    first = world.book(10)
    second = world.book(10)
    ClosureFactory.create(
        site=None,
        resource=world.resources[1],
        start=at(world.day, 10),
        end=at(world.day, 11),
        reason="Lift repair",
    )
    body = _ask(client_for(world.operator), world, at(world.day, 10, 30)).json()
    assert [r["code"] for r in body["reasons"]] == ["resource_closed", "taken"]
    by_name = {r["name"]: r for r in body["resources"]}
    assert [f["code"] for f in by_name["Bay 2"]["reasons"]] == ["resource_closed", "taken"]
    references = {
        b["reference"]
        for r in body["resources"]
        for f in r["reasons"]
        for b in f.get("bookings", ())
    }
    assert references == {first.reference, second.reference}


def test_a_customer_sees_the_reasons_without_other_customers_data(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    """The privacy test: another customer's bookings (references, times, ids), the resources and
    the closures' reasons appear nowhere in a customer's (or an anonymous) explanation."""
    first = world.book(10)
    second = world.book(10)
    ClosureFactory.create(
        site=None,
        resource=world.resources[1],
        start=at(world.day, 10),
        end=at(world.day, 11),
        reason="Lift repair",
    )
    for client in (client_for(world.customer), client_for(world.new_customer()[0])):
        response = _ask(client, world, at(world.day, 10, 30))
        assert response.status_code == 200
        body = response.json()
        assert body["offered"] is False
        assert [r["code"] for r in body["reasons"]] == ["resource_closed", "taken"]
        assert body["resources"] is None
        text = response.content.decode()
        for secret in (
            first.reference,
            second.reference,
            str(first.public_id),
            str(first.customer.public_id) if hasattr(first.customer, "public_id") else "x" * 40,
            first.vehicle_plate,
            "Lift repair",
            "Bay 1",
            "Bay 2",
            str(world.resources[0].public_id),
            "bookings",
            "blocked_until",
        ):
            assert secret not in text


def test_energy_not_supported_is_a_reason(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    world.service.excluded_energies = ["petrol"]
    world.service.save()
    response = _ask(
        client_for(world.customer), world, at(world.day, 10), vehicle=str(world.vehicle.public_id)
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["offered"] is False
    assert [r["code"] for r in body["reasons"]] == ["energy_not_supported"]


def test_a_date_without_time_is_a_400(world: World, api_client: APIClient) -> None:
    response = api_client.get(
        URL,
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "start": "2030-01-07",
        },
    )
    assert response.status_code == 400
    assert "start" in response.json()["error"]["details"]


def test_explain_costs_a_constant_number_of_queries(
    world: World,
    client_for: Callable[[User], APIClient],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for hour in (9, 10, 11, 14, 15, 16):
        world.book(hour)
    client = client_for(world.operator)
    # The account and its groups, the service with its prices and options, then the four reads
    # of the explanation (site, resources, closures with date exceptions, bookings): the same
    # whatever the bookings.
    with django_assert_max_num_queries(7):
        response = _ask(client, world, at(world.day, 10))
    assert response.status_code == 200


def test_operators_see_each_resources_bookings_and_closures_on_the_sites_clock(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = world.book(10)
    ClosureFactory.create(
        site=None,
        resource=world.resources[1],
        start=at(world.day, 10),
        end=at(world.day, 11),
        reason="Lift repair",
    )
    body = _ask(client_for(world.operator), world, at(world.day, 10, 30)).json()
    by_name = {r["name"]: r for r in body["resources"]}
    found = [f for r in by_name.values() for f in r["reasons"]]
    (taken,) = [b for f in found for b in f.get("bookings", ())]
    assert taken["reference"] == booking.reference
    assert taken["start"] == at(world.day, 10).isoformat()  # "+01:00" in Paris, not UTC
    (closure,) = [c for f in found for c in f.get("closures", ())]
    assert (closure["start"], closure["end"]) == (
        at(world.day, 10).isoformat(),
        at(world.day, 11).isoformat(),
    )


@pytest.mark.parametrize("start", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_a_start_out_of_the_calendars_range_is_a_400(
    world: World, api_client: APIClient, start: str
) -> None:
    response = api_client.get(
        URL,
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "start": start,
        },
    )
    assert response.status_code == 400
    assert "start" in response.json()["error"]["details"]
