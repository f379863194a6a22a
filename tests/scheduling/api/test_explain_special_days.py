"""A start on a special day says why it is refused (issue 12 with issue 17's day exceptions): a
site's closed day, its shorter hours and a public holiday rule it out as `outside_opening_hours`,
with that day's real hours (none: closed all day); a resource's own exception as
`not_in_resource_hours`. The same through the explanation and through `POST bookings`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from scheduling import services
from scheduling.models import DateException
from tests.bookings.factories import PARIS, World, at, make_world
from tests.conftest import FakeClock

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse  # the test client's response

pytestmark = pytest.mark.django_db

EXPLAIN = "/api/v1/availability/explain"
CHRISTMAS = datetime(2026, 12, 25, tzinfo=PARIS)  # a Friday: normally open


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world(resources=1, country="FR")
    world.day = CHRISTMAS
    clock.set(at(CHRISTMAS, 8) - timedelta(days=3))
    return world


def _explain(client: APIClient, world: World, start: datetime) -> dict[str, Any]:
    response = client.get(
        EXPLAIN,
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "start": start.isoformat(),
        },
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _book(client: APIClient, world: World, start: datetime) -> _MonkeyPatchedResponse:
    return client.post(
        "/api/v1/bookings",
        {
            "vehicle": str(world.vehicle.public_id),
            "service": world.service.code,
            "site": str(world.site.public_id),
            "start": start.isoformat(),
        },
        format="json",
    )


def _exception(
    world: World, day: date, kind: str, *intervals: tuple[time, time], **owner: Any
) -> None:
    services.date_exception_create(
        day=day,
        kind=kind,
        intervals=list(intervals),
        reason="Inventory",
        actor=world.operator,
        **(owner or {"site": world.site}),
    )


def _hours(reason: dict[str, Any]) -> list[tuple[str, str]]:
    return [(h["start"][11:16], h["end"][11:16]) for h in reason["hours"]]


def test_a_public_holiday_refuses_as_outside_the_opening_hours(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    body = _explain(client, world, at(CHRISTMAS, 10))
    assert body["offered"] is False
    (reason,) = body["reasons"]
    assert reason["code"] == "outside_opening_hours"
    assert (reason["day"], _hours(reason)) == ("2026-12-25", [])  # closed all day
    refused = _book(client, world, at(CHRISTMAS, 10))
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "outside_opening_hours"
    assert error["details"]["hours"] == []
    # The nearest offered starts skip the holiday (and the weekend after it).
    assert body["nearest"]["after"][:10] == "2026-12-28"


def test_a_holiday_opened_by_a_regular_exception_is_offered(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    _exception(world, CHRISTMAS.date(), DateException.Kind.REGULAR)
    client = client_for(world.customer)
    assert _explain(client, world, at(CHRISTMAS, 10))["offered"] is True
    assert _book(client, world, at(CHRISTMAS, 10)).status_code == 201


def test_a_closed_day_refuses_as_outside_the_opening_hours(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    day = CHRISTMAS - timedelta(days=1)  # Thursday 24th, an ordinary day
    client = client_for(world.customer)
    assert _explain(client, world, at(day, 10))["offered"] is True
    _exception(world, day.date(), DateException.Kind.CLOSED)
    (reason,) = _explain(client, world, at(day, 10))["reasons"]
    assert (reason["code"], _hours(reason)) == ("outside_opening_hours", [])
    refused = _book(client, world, at(day, 10))
    assert refused.json()["error"]["code"] == "outside_opening_hours"


def test_shorter_hours_refuse_a_start_after_them(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    day = CHRISTMAS - timedelta(days=1)
    _exception(world, day.date(), DateException.Kind.HOURS, (time(9), time(12)))
    client = client_for(world.customer)
    (reason,) = _explain(client, world, at(day, 14))["reasons"]
    assert (reason["code"], _hours(reason)) == ("outside_opening_hours", [("09:00", "12:00")])
    assert _book(client, world, at(day, 14)).json()["error"]["code"] == "outside_opening_hours"
    # 11:00 still fits (one hour of work before 12:00); 11:30 does not.
    assert _explain(client, world, at(day, 11))["offered"] is True
    assert _book(client, world, at(day, 11, 30)).json()["error"]["code"] == (
        "outside_opening_hours"
    )


def test_a_resource_closed_that_day_refuses_as_not_in_its_hours(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    day = CHRISTMAS - timedelta(days=1)
    _exception(world, day.date(), DateException.Kind.CLOSED, resource=world.resources[0])
    operator = _explain(client_for(world.operator), world, at(day, 10))
    assert [r["code"] for r in operator["reasons"]] == ["not_in_resource_hours"]
    (bay,) = operator["resources"]
    assert _hours(bay["reasons"][0]) == []
    refused = _book(client_for(world.customer), world, at(day, 10))
    assert refused.json()["error"]["code"] == "not_in_resource_hours"
