"""Each bookings endpoint: status, envelope, what is stored, who may see what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import icalendar
import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.factories import BookingFactory, World, at, make_world
from tests.conftest import FakeClock
from tests.scheduling.factories import ClosureFactory
from vehicles.models import Vehicle

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _create(
    client: APIClient,
    world: World,
    hour: int = 10,
    vehicle: Vehicle | None = None,
    headers: dict[str, str] | None = None,
    **extra: str,
) -> _MonkeyPatchedResponse:
    body = {
        "vehicle": str((vehicle or world.vehicle).public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, hour).isoformat(),
        **extra,
    }
    return client.post("/api/v1/bookings", body, format="json", headers=headers)


def test_create_answers_201_with_the_booking(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = _create(client_for(world.customer), world)
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("BK-")
    assert body["vehicle"]["plate"] == world.vehicle.plate
    assert body["site"]["timezone"] == "Europe/Paris"
    assert body["price"]["total"] == "50.00"
    assert Booking.objects.get(public_id=body["id"]).customer == world.customer


def test_a_naive_start_is_a_400(world: World, client_for: Callable[[User], APIClient]) -> None:
    response = _create(client_for(world.customer), world, start="2030-01-07T10:00:00")
    assert response.status_code == 400
    assert "start" in response.json()["error"]["details"]
    assert not Booking.objects.exists()


def test_a_taken_slot_is_409_taken(world: World, client_for: Callable[[User], APIClient]) -> None:
    _create(client_for(world.customer), world)
    others = [world.new_customer() for _ in range(2)]
    _create(client_for(others[0][0]), world, vehicle=others[0][1])
    response = _create(client_for(others[1][0]), world, vehicle=others[1][1])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "taken"  # a lost race is slot_unavailable


def test_price_changed_is_409_with_the_new_quote(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = _create(client_for(world.customer), world, expected_total="40.00")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "price_changed"
    assert error["details"]["quote"]["total"] == "50.00"


def test_unauthenticated_is_401(world: World, api_client: APIClient) -> None:
    assert _create(api_client, world).status_code == 401


def test_an_idempotent_retry_returns_the_first_booking(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    first = _create(client, world, headers={"Idempotency-Key": "retry-me-1"})
    second = _create(client, world, headers={"Idempotency-Key": "retry-me-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Booking.objects.count() == 1
    other = _create(client, world, hour=15, headers={"Idempotency-Key": "retry-me-1"})
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_customers_list_their_own_operators_all(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    mine = _create(client_for(world.customer), world).json()
    other, vehicle = world.new_customer()
    theirs = _create(client_for(other), world, vehicle=vehicle).json()
    listed = client_for(world.customer).get("/api/v1/bookings").json()
    assert [b["id"] for b in listed["results"]] == [mine["id"]]
    everything = client_for(world.operator).get("/api/v1/bookings").json()
    assert {b["id"] for b in everything["results"]} == {mine["id"], theirs["id"]}


def test_operators_filter_by_state_and_customer(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    mine = _create(client_for(world.customer), world).json()
    other, vehicle = world.new_customer()
    _create(client_for(other), world, vehicle=vehicle)
    operator = client_for(world.operator)
    operator.post(f"/api/v1/bookings/{mine['id']}/confirm")
    confirmed = operator.get("/api/v1/bookings", {"state": "confirmed"}).json()["results"]
    assert [b["id"] for b in confirmed] == [mine["id"]]
    by_customer = operator.get(
        "/api/v1/bookings", {"customer": str(world.customer.public_id)}
    ).json()["results"]
    assert [b["id"] for b in by_customer] == [mine["id"]]
    bad = operator.get("/api/v1/bookings", {"state": "flying"})
    assert bad.status_code == 400


def test_technicians_see_the_jobs_on_their_resources(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    technician = UserFactory.create(roles=["technician"])
    world.resources[0].technician = technician
    world.resources[0].save()
    first = _create(client_for(world.customer), world).json()
    other, vehicle = world.new_customer()
    second = _create(client_for(other), world, vehicle=vehicle).json()
    on_mine = {b["id"] for b in (first, second) if b["resource"]["name"] == world.resources[0].name}
    listed = client_for(technician).get("/api/v1/bookings").json()["results"]
    assert {b["id"] for b in listed} == on_mine


@pytest.mark.parametrize("page_size", [5, 30])
def test_the_list_runs_a_constant_number_of_queries(
    world: World,
    client_for: Callable[[User], APIClient],
    page_size: int,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    common = {"service": world.service, "site": world.site}
    for n in range(30):
        _customer, vehicle = world.new_customer()
        BookingFactory.create(
            vehicle=vehicle,
            resource=world.resources[n % 2],
            start=at(world.day, 8) + timedelta(days=n // 2, hours=0),
            **common,
        )
    client = client_for(world.operator)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/bookings", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_another_customers_booking_is_404_everywhere(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = _create(client_for(world.customer), world).json()
    stranger = client_for(UserFactory.create())
    url = f"/api/v1/bookings/{booking['id']}"
    assert stranger.get(url).status_code == 404
    assert stranger.patch(url, {"customer_note": "mine now"}, format="json").status_code == 404
    for action in ("cancel", "reschedule", "rate", "confirm"):
        assert stranger.post(f"{url}/{action}", {}, format="json").status_code in {400, 404}
    assert stranger.post(f"{url}/cancel").status_code == 404
    assert stranger.get(f"{url}/history").status_code == 404
    assert stranger.get(f"{url}/calendar.ics").status_code == 404
    assert Booking.objects.get(public_id=booking["id"]).state == "pending"


def test_an_action_the_state_refuses_is_409_with_the_state(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = _create(client_for(world.customer), world).json()
    response = client_for(world.operator).post(f"/api/v1/bookings/{booking['id']}/complete")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["details"]["state"] == "pending"


def test_an_action_by_the_wrong_role_is_403(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = _create(client_for(world.customer), world).json()
    response = client_for(world.customer).post(f"/api/v1/bookings/{booking['id']}/confirm")
    assert response.status_code == 403
    assert Booking.objects.get(public_id=booking["id"]).state == "pending"


def test_patch_changes_notes_only(world: World, client_for: Callable[[User], APIClient]) -> None:
    booking = _create(client_for(world.customer), world).json()
    url = f"/api/v1/bookings/{booking['id']}"
    ok = client_for(world.customer).patch(url, {"customer_note": "Gate code 1234"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["customer_note"] == "Gate code 1234"
    refused = client_for(world.customer).patch(
        url, {"state": "confirmed", "total": "1.00"}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["details"]) == {"state", "total"}
    stored = Booking.objects.get(public_id=booking["id"])
    assert (stored.state, str(stored.total)) == ("pending", "50.00")
    operator = client_for(world.operator)
    assert operator.patch(url, {"operator_note": "VIP"}, format="json").status_code == 200
    customer_try = client_for(world.customer).patch(url, {"operator_note": "x"}, format="json")
    # A well-formed body this account may not send: not allowed (403), not malformed (400).
    assert customer_try.status_code == 403
    assert customer_try.json()["error"]["code"] == "operator_only"
    assert "operator_note" in customer_try.json()["error"]["details"]


def test_reschedule_through_the_api(world: World, client_for: Callable[[User], APIClient]) -> None:
    booking = _create(client_for(world.customer), world).json()
    moved = client_for(world.customer).post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        {"start": at(world.day, 16).isoformat()},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == at(world.day, 16).isoformat()


def test_calendar_file_in_the_sites_timezone(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = _create(client_for(world.customer), world).json()
    response = client_for(world.customer).get(f"/api/v1/bookings/{booking['id']}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))
    assert event.decoded("dtstart") == at(world.day, 10)
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Paris"


def test_the_confirmation_deadline_follows_a_reschedule_back_to_pending(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    made = at(world.day, 8) - timedelta(days=3)
    booking = _create(client_for(world.customer), world).json()
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    assert datetime.fromisoformat(booking["confirmation_deadline"]) == made + window
    url = f"/api/v1/bookings/{booking['id']}"
    confirmed = client_for(world.operator).post(f"{url}/confirm").json()
    assert confirmed["confirmation_deadline"] is None
    moved_at = made + timedelta(minutes=100)
    clock.set(moved_at)
    moved = (
        client_for(world.customer)
        .post(f"{url}/reschedule", {"start": at(world.day, 16).isoformat()}, format="json")
        .json()
    )
    assert moved["state"] == "pending"
    assert datetime.fromisoformat(moved["confirmation_deadline"]) == moved_at + window
    assert moved["confirmation_deadline"].endswith(("+01:00", "+02:00"))  # the site's clock


def test_a_second_booking_of_the_same_car_at_once_is_409_vehicle_already_booked(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    assert _create(client, world).status_code == 201
    response = _create(client, world)  # the other bay is free
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "vehicle_already_booked"


def test_a_fourth_pending_booking_is_409_pending_limit_reached(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    for hour in (8, 9, 10):
        assert _create(client, world, hour=hour).status_code == 201
    response = _create(client, world, hour=14)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "pending_limit_reached"
    assert error["details"] == {"limit": 3}


def test_the_history_of_a_reschedule_says_from_where_to_where(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    booking = _create(client_for(world.customer), world).json()  # Bay 1
    bay1, bay2 = world.resources
    ClosureFactory.create(site=None, resource=bay1, start=at(world.day, 16), end=at(world.day, 17))
    url = f"/api/v1/bookings/{booking['id']}"
    client_for(world.customer).post(
        f"{url}/reschedule", {"start": at(world.day, 16).isoformat()}, format="json"
    )
    history = client_for(world.customer).get(f"{url}/history").json()["results"]
    assert [h["action"] for h in history] == ["create", "reschedule"]
    assert history[0]["moved"] is None
    assert history[1]["moved"] == {
        "from": {
            "start": at(world.day, 10).isoformat(),
            "resource": {"id": str(bay1.public_id), "name": "Bay 1"},
        },
        "to": {
            "start": at(world.day, 16).isoformat(),
            "resource": {"id": str(bay2.public_id), "name": "Bay 2"},
        },
    }
