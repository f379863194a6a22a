"""GET /api/v1/vehicles: my vehicles only, archived on request, paginated, ordered."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.api.helpers import assert_error, url
from tests.vehicles.conftest import NOW, AddVehicle
from tests.vehicles.factories import VehicleFactory
from vehicles import services

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


def _plates(response: _MonkeyPatchedResponse) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["plate"] for item in response.json()["results"]]


def test_lists_my_active_vehicles_default_first(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AA111AA")
    add_vehicle(me, plate="BB222BB")
    archived = add_vehicle(me, plate="CC333CC")
    services.vehicle_archive(vehicle_id=archived.public_id, actor=me, now=NOW)
    add_vehicle(UserFactory.create(), plate="DD444DD")
    response = client_for(me).get(url())
    body = response.json()
    assert body["count"] == 2
    assert _plates(response) == ["AA111AA", "BB222BB"]
    first = body["results"][0]
    assert first["plate_display"] == "AA-111-AA"
    assert first["is_default"] is True
    assert first["archived"] is False
    assert set(first) == {
        "id", "plate", "plate_display", "make", "model", "year", "category", "energy",
        "nickname", "colour", "is_default", "archived", "archived_at", "created_at", "updated_at",
    }  # fmt: skip


def test_archived_true_lists_my_archived_vehicles(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AA111AA")
    archived = add_vehicle(me, plate="BB222BB")
    services.vehicle_archive(vehicle_id=archived.public_id, actor=me, now=NOW)
    response = client_for(me).get(url(), {"archived": "true"})
    assert _plates(response) == ["BB222BB"]
    assert response.json()["results"][0]["archived_at"] == "2026-03-01T09:00:00Z"
    assert _plates(client_for(me).get(url(), {"archived": "false"})) == ["AA111AA"]


def test_filters_by_category_and_energy(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AA111AA", category="van", energy="diesel")
    add_vehicle(me, plate="BB222BB", category="van", energy="electric")
    add_vehicle(me, plate="CC333CC", category="small", energy="electric")
    client = client_for(me)
    assert _plates(client.get(url(), {"category": "van", "energy": "electric"})) == ["BB222BB"]


def test_ordering_by_a_field(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="BB222BB", year=2010)
    add_vehicle(me, plate="AA111AA", year=2022)
    add_vehicle(me, plate="CC333CC", year=2015)
    client = client_for(me)
    assert _plates(client.get(url(), {"ordering": "plate"})) == ["AA111AA", "BB222BB", "CC333CC"]
    assert _plates(client.get(url(), {"ordering": "-year"})) == ["AA111AA", "CC333CC", "BB222BB"]


def test_pages(add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]) -> None:
    me = UserFactory.create()
    for _ in range(5):
        add_vehicle(me)
    client = client_for(me)
    first = client.get(url(), {"page_size": "2", "ordering": "plate"}).json()
    second = client.get(url(), {"page_size": "2", "ordering": "plate", "page": "3"}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"]
    assert len(second["results"]) == 1
    assert second["next"] is None


def test_bad_filter_values_are_a_400_envelope(client_for: Callable[[User], APIClient]) -> None:
    client = client_for(UserFactory.create())
    error = assert_error(client.get(url(), {"archived": "maybe"}), 400, "validation_error")
    assert "archived" in error["details"]
    assert_error(client.get(url(), {"category": "truck"}), 400, "validation_error")


def test_a_page_past_the_end_is_a_404_envelope(client_for: Callable[[User], APIClient]) -> None:
    assert_error(client_for(UserFactory.create()).get(url(), {"page": 9}), 404, "not_found")


def test_anonymous_is_a_401_envelope(api_client: APIClient) -> None:
    assert_error(api_client.get(url()), 401, "not_authenticated")


def test_query_count_does_not_depend_on_the_page_size(
    client_for: Callable[[User], APIClient],
) -> None:
    me = UserFactory.create()
    for _ in range(20):
        VehicleFactory.create(owner=me)
    client = client_for(me)
    counts = []
    for size in (1, 5, 20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(), {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    # The user (token check), the count, the page.
    assert counts == [3, 3, 3]
