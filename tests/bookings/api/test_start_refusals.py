"""Every refusal of a start says why, with its own code and details, through `POST bookings` and
`POST bookings/{id}/reschedule` alike (docs/rules/scheduling.md, "Why a start is refused");
`slot_unavailable` is left to the lost race (tests/bookings/services/test_races.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from scheduling.models import ResourceHours
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ClosureFactory

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _post_booking(client: APIClient, world: World, start: datetime) -> _MonkeyPatchedResponse:
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": start.isoformat(),
    }
    return client.post("/api/v1/bookings", body, format="json")


def _post_reschedule(
    client: APIClient, booking: Booking, start: datetime
) -> _MonkeyPatchedResponse:
    return client.post(
        f"/api/v1/bookings/{booking.public_id}/reschedule",
        {"start": start.isoformat()},
        format="json",
    )


def _too_soon(world: World) -> datetime:
    world.site.min_notice_minutes = 5 * 24 * 60
    world.site.save()
    return at(world.day, 10)


def _beyond_horizon(world: World) -> datetime:
    world.site.horizon_days = 1
    world.site.save()
    return at(world.day, 10)


def _site_closed(world: World) -> datetime:
    ClosureFactory.create(
        site=world.site, start=at(world.day, 9), end=at(world.day, 11), reason="Inventory"
    )
    return at(world.day, 10)


def _resource_closed(world: World) -> datetime:
    for bay in world.resources:
        ClosureFactory.create(
            site=None,
            resource=bay,
            start=at(world.day, 9),
            end=at(world.day, 11),
            reason="Lift repair",
        )
    return at(world.day, 10)


def _no_skill(world: World) -> datetime:
    world.service.required_skill = SkillFactory.create(code="tyres")
    world.service.save()
    return at(world.day, 10)


def _resource_hours(world: World) -> datetime:
    for bay in world.resources:
        ResourceHours.objects.create(resource=bay, weekday=1, opens=time(14), closes=time(18))
    return at(world.day, 10)


def _taken(world: World) -> datetime:
    world.book(10)
    world.book(10)
    return at(world.day, 10)


CASES: dict[str, tuple[Callable[[World], datetime], Callable[[dict[str, Any]], object]]] = {
    "not_on_grid": (
        lambda w: at(w.day, 10, 7),
        lambda d: (
            d["previous"].startswith("2") and d["previous"][11:16] == "10:00",
            d["next"][11:16] == "10:15",
        ),
    ),
    "too_soon": (_too_soon, lambda d: d["earliest"]),
    "beyond_horizon": (_beyond_horizon, lambda d: d["latest"]),
    "outside_opening_hours": (
        lambda w: at(w.day, 11, 30),
        lambda d: (
            [(h["start"][11:16], h["end"][11:16]) for h in d["hours"]]
            == [("08:00", "12:00"), ("13:30", "18:00")]
        ),
    ),
    "site_closed": (_site_closed, lambda d: d["closures"]),
    "resource_closed": (_resource_closed, lambda d: d),
    "no_resource_with_skill": (_no_skill, lambda d: d["skill"] == "tyres"),
    "not_in_resource_hours": (_resource_hours, lambda d: d["nearest"]["after"][11:16] == "14:00"),
    "taken": (_taken, lambda d: d),
}


def _check(
    response: _MonkeyPatchedResponse, code: str, check: Callable[[dict[str, Any]], object]
) -> dict[str, Any]:
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    details: dict[str, Any] = error["details"]
    assert details["reasons"][0]["code"] == code
    result = check(details)
    assert result is not None
    assert all(result) if isinstance(result, tuple) else result is not False
    return details


@pytest.mark.parametrize("code", CASES)
def test_post_bookings_refuses_a_start_with_its_reason(
    world: World, client_for: Callable[[User], APIClient], code: str
) -> None:
    prepare, check = CASES[code]
    start = prepare(world)
    before = Booking.objects.count()
    details = _check(_post_booking(client_for(world.customer), world, start), code, check)
    assert Booking.objects.count() == before
    assert "resources" not in details  # a customer is not shown the resources


@pytest.mark.parametrize("code", CASES)
def test_reschedule_refuses_a_start_with_its_reason(
    world: World, client_for: Callable[[User], APIClient], code: str
) -> None:
    booking = world.book(16)  # a customer's booking, moved by an operator
    prepare, check = CASES[code]
    start = prepare(world)
    details = _check(_post_reschedule(client_for(world.operator), booking, start), code, check)
    booking.refresh_from_db()
    assert booking.start == at(world.day, 16)
    assert [r["name"] for r in details["resources"]] == ["Bay 1", "Bay 2"] or (
        code == "no_resource_with_skill" and details["resources"] == []
    )


def test_energy_not_supported_through_post_bookings(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    world.service.excluded_energies = ["petrol"]
    world.service.save()
    response = _post_booking(client_for(world.customer), world, at(world.day, 10))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "energy_not_supported"
    assert not Booking.objects.exists()


def test_the_operator_sees_the_closure_reason_and_the_customer_does_not(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    start = _site_closed(world)
    customer = _post_booking(client_for(world.customer), world, start).json()["error"]
    assert customer["details"]["closures"][0].keys() == {"start", "end"}
    booking = world.book(16)
    operator = _post_reschedule(client_for(world.operator), booking, start).json()["error"]
    assert operator["details"]["closures"][0]["reason"] == "Inventory"


def test_taken_names_the_blocking_bookings_to_operators_only(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    first, second = world.book(10), world.book(10)
    customer = _post_booking(client_for(world.customer), world, at(world.day, 10, 30))
    body = customer.json()["error"]
    assert body["code"] == "taken"
    assert first.reference not in customer.content.decode()
    assert second.reference not in customer.content.decode()
    mine = world.book(16)
    operator = _post_reschedule(client_for(world.operator), mine, at(world.day, 10, 30))
    resources = operator.json()["error"]["details"]["resources"]
    blocked = {b["reference"] for r in resources for f in r["reasons"] for b in f["bookings"]}
    assert blocked == {first.reference, second.reference}
    # The nearest offered starts around the refused one.
    nearest = body["details"]["nearest"]
    assert nearest["before"][11:16] == "09:00"
    assert nearest["after"][11:16] == "11:00"


def test_a_refusal_is_worded_in_the_readers_language(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"  # on every request, next to its token
    try:
        response = _post_booking(client, world, at(world.day, 11, 30))
    finally:
        translation.deactivate()  # the request left French active in this thread
    error = response.json()["error"]
    assert error["code"] == "outside_opening_hours"
    assert error["message"] == (
        "La prestation ne tiendrait pas dans les horaires d'ouverture du site ce jour-là."
    )
    assert error["details"]["reasons"][0]["message"] == error["message"]
