"""POST /api/v1/vehicles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.api.helpers import BODY, assert_error, url
from tests.vehicles.conftest import AddVehicle
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def test_registers_a_vehicle_normalised_and_default(
    client_for: Callable[[User], APIClient],
) -> None:
    me = UserFactory.create()
    response = client_for(me).post(url(), {**BODY, "nickname": "Daily"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["plate"] == "AB123CD"
    assert body["plate_display"] == "AB-123-CD"
    assert body["is_default"] is True
    assert body["nickname"] == "Daily"
    stored = Vehicle.objects.get(public_id=body["id"])
    assert stored.owner == me
    assert (stored.plate, stored.category, stored.energy) == ("AB123CD", "small", "diesel")


def test_the_owner_and_flags_cannot_be_set_by_the_client(
    client_for: Callable[[User], APIClient],
) -> None:
    me, other = UserFactory.create(), UserFactory.create()
    client = client_for(me)
    client.post(url(), BODY, format="json")
    response = client.post(
        url(),
        {**BODY, "plate": "XY999ZZ", "is_default": True, "archived": True, "owner": other.pk},
        format="json",
    )
    assert response.status_code == 201
    stored = Vehicle.objects.get(public_id=response.json()["id"])
    assert stored.owner == me
    assert not stored.is_default
    assert not stored.is_archived


def test_missing_and_bad_fields_are_a_400_with_details_per_field(
    client_for: Callable[[User], APIClient],
) -> None:
    response = client_for(UserFactory.create()).post(
        url(), {"plate": "A", "year": 1900, "category": "truck"}, format="json"
    )
    error = assert_error(response, 400, "validation_error")
    assert {"make", "model", "year", "category", "energy"} <= set(error["details"])
    assert not Vehicle.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("plate", "AB#123"), ("plate", "-"), ("year", 2099), ("make", "   ")],
)
def test_rules_beyond_the_types_are_a_400(
    client_for: Callable[[User], APIClient], field: str, value: object
) -> None:
    response = client_for(UserFactory.create()).post(url(), {**BODY, field: value}, format="json")
    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert not Vehicle.objects.exists()


def test_nul_bytes_and_absurd_numbers_are_a_400_not_a_500(
    client_for: Callable[[User], APIClient],
) -> None:
    client = client_for(UserFactory.create())
    assert_error(
        client.post(url(), {**BODY, "make": "Re\x00nault"}, format="json"), 400, "validation_error"
    )
    assert_error(
        client.post(url(), {**BODY, "year": 10**40}, format="json"), 400, "validation_error"
    )
    assert_error(client.post(url(), [BODY], format="json"), 400, "validation_error")


def test_a_plate_i_already_have_is_a_409(client_for: Callable[[User], APIClient]) -> None:
    client = client_for(UserFactory.create())
    client.post(url(), BODY, format="json")
    response = client.post(url(), {**BODY, "plate": "AB 123 CD"}, format="json")
    error = assert_error(response, 409, "plate_already_registered")
    assert "plate" in error["details"]
    assert Vehicle.objects.count() == 1


def test_the_twenty_first_vehicle_is_a_409(
    client_for: Callable[[User], APIClient], add_vehicle: AddVehicle
) -> None:
    me = UserFactory.create()
    for _ in range(20):
        add_vehicle(me)
    response = client_for(me).post(url(), {**BODY, "plate": "ZZ999ZZ"}, format="json")
    error = assert_error(response, 409, "vehicle_limit_reached")
    assert error["details"] == {"limit": 20}
    assert Vehicle.objects.filter(owner=me).count() == 20


def test_anonymous_is_a_401(api_client: APIClient) -> None:
    assert_error(api_client.post(url(), BODY, format="json"), 401, "not_authenticated")
    assert not Vehicle.objects.exists()
