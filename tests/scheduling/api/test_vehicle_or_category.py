"""A quote and availability resolve "a vehicle or a category" the same way (one resolver,
vehicles.public.profile_for): the same bad input gets the same answer from both."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.factories import UserFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    from tests.pricing.factories import ServiceFactory
    from tests.scheduling.api.test_availability import next_monday
    from tests.scheduling.factories import ResourceFactory, SiteFactory

    site = SiteFactory.create()
    ResourceFactory.create(site=site)
    ServiceFactory.create(code="full-wash")
    return {"site": str(site.public_id), "day": next_monday().isoformat()}


def _both(api_client: Any, world: dict[str, Any], **given: str) -> tuple[Any, Any]:
    quote = api_client.post("/api/v1/quotes", {"service": "full-wash", **given}, format="json")
    availability = api_client.get(
        "/api/v1/availability",
        {"service": "full-wash", "site": world["site"], "from": world["day"], "to": world["day"]}
        | given,
    )
    return quote, availability


def test_someone_elses_vehicle_is_not_found_in_both(api_client: Any, world: Any) -> None:
    theirs = VehicleFactory.create()
    api_client.force_authenticate(UserFactory.create())
    quote, availability = _both(api_client, world, vehicle=str(theirs.public_id))
    assert quote.status_code == availability.status_code == 404
    assert quote.json()["error"]["code"] == availability.json()["error"]["code"]


def test_an_anonymous_vehicle_is_refused_the_same_way(api_client: Any, world: Any) -> None:
    quote, availability = _both(api_client, world, vehicle=str(VehicleFactory.create().public_id))
    assert quote.status_code == availability.status_code == 401
    assert quote.json()["error"]["message"] == availability.json()["error"]["message"]


def test_an_archived_vehicle_is_refused_the_same_way(api_client: Any, world: Any) -> None:
    from vehicles import services

    mine = VehicleFactory.create()
    services.vehicle_archive(vehicle_id=mine.public_id, actor=mine.owner)
    api_client.force_authenticate(mine.owner)
    quote, availability = _both(api_client, world, vehicle=str(mine.public_id))
    assert quote.status_code == availability.status_code == 409
    assert quote.json()["error"]["code"] == availability.json()["error"]["code"]
    assert quote.json()["error"]["code"] == "vehicle_archived"
