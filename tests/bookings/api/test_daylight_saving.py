"""POST bookings on the daylight-saving days: every start GET availability offers is booked as
the client received it; a skipped wall time is a 400 with a stable code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from tests.bookings.daylight_saving import AUTUMN, SPRING, STARTS_OFFERED, NightSite, night_site
from tests.conftest import FakeClock
from vehicles.models import Vehicle

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_night(clock: FakeClock) -> Callable[[date], NightSite]:
    def _make(day: date) -> NightSite:
        world = night_site(day)
        clock.set(world.now)
        return world

    return _make


def _offered(api_client: APIClient, world: NightSite) -> list[str]:
    response = api_client.get(
        "/api/v1/availability",
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "from": world.day.isoformat(),
            "to": world.day.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    return [free["start"] for free in response.json()["starts"]]


def _post(
    client: APIClient, world: NightSite, vehicle: Vehicle, start: str
) -> _MonkeyPatchedResponse:
    body = {
        "vehicle": str(vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": start,
    }
    return client.post("/api/v1/bookings", body, format="json")


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["march", "october"])
def test_every_start_the_api_offers_is_booked_through_the_api(
    day: date,
    at_night: Callable[[date], NightSite],
    api_client: APIClient,
    client_for: Callable[[User], APIClient],
) -> None:
    world = at_night(day)
    offered = _offered(api_client, world)
    assert len(offered) == STARTS_OFFERED[day]
    answers = []
    for start in offered:
        customer, vehicle = world.customer()
        response = _post(client_for(customer), world, vehicle, start)
        assert response.status_code == 201, (start, response.content)
        answers.append(response.json()["start"])
    assert answers == offered
    assert Booking.objects.count() == len(offered)
    assert _offered(api_client, world) == []


def test_a_skipped_wall_time_is_a_400_nonexistent_local_time(
    at_night: Callable[[date], NightSite], client_for: Callable[[User], APIClient]
) -> None:
    world = at_night(SPRING)
    customer, vehicle = world.customer()
    response = _post(client_for(customer), world, vehicle, "2027-03-28T02:30:00+02:00")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "nonexistent_local_time"
    assert "start" in error["details"]
    assert not Booking.objects.exists()
