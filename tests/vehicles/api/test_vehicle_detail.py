"""GET, PATCH and DELETE /api/v1/vehicles/{id}."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.api.helpers import assert_error, url
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import public, services
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def test_get_my_vehicle(add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me, plate="AB123CD", nickname="Daily")
    response = client_for(me).get(url(vehicle))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(vehicle.public_id)
    assert (body["plate_display"], body["nickname"]) == ("AB-123-CD", "Daily")


def test_get_my_archived_vehicle_shows_it_archived(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=me, now=NOW)
    body = client_for(me).get(url(vehicle)).json()
    assert body["archived"] is True
    assert body["is_default"] is False


def test_get_an_unknown_id_is_a_404(client_for: Callable[[User], APIClient]) -> None:
    assert_error(client_for(UserFactory.create()).get(url(uuid.uuid4())), 404, "vehicle_not_found")


def test_a_malformed_id_is_a_404(client_for: Callable[[User], APIClient]) -> None:
    assert_error(
        client_for(UserFactory.create()).get("/api/v1/vehicles/not-a-uuid"), 404, "not_found"
    )


def test_patch_changes_the_given_fields_only(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me, plate="AB123CD", colour="Blue", year=2018)
    response = client_for(me).patch(
        url(vehicle), {"plate": "xy-456-zt", "colour": "Red"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["plate_display"] == "XY-456-ZT"
    vehicle.refresh_from_db()
    assert (vehicle.plate, vehicle.colour, vehicle.year) == ("XY456ZT", "Red", 2018)
    assert vehicle.updated_at > NOW


def test_patch_cannot_move_the_default_or_archive(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me)
    second = add_vehicle(me)
    response = client_for(me).patch(
        url(second), {"is_default": True, "archived": True, "colour": "Red"}, format="json"
    )
    error = assert_error(response, 400, "read_only_field")
    assert set(error["details"]) == {"is_default", "archived"}
    second.refresh_from_db()
    assert second.colour == ""
    assert not second.is_default
    assert not second.is_archived


def test_patch_with_a_bad_value_is_a_400_and_changes_nothing(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me, year=2018)
    response = client_for(me).patch(url(vehicle), {"year": 3000, "colour": "Red"}, format="json")
    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["year"]
    vehicle.refresh_from_db()
    assert (vehicle.year, vehicle.colour) == (2018, "")


def test_patch_to_a_plate_i_already_have_is_a_409(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AB123CD")
    other = add_vehicle(me, plate="XY456ZT")
    response = client_for(me).patch(url(other), {"plate": "AB-123-CD"}, format="json")
    assert_error(response, 409, "plate_already_registered")
    other.refresh_from_db()
    assert other.plate == "XY456ZT"


def test_patch_of_an_archived_vehicle_is_a_409(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=me, now=NOW)
    assert_error(
        client_for(me).patch(url(vehicle), {"colour": "Red"}, format="json"),
        409,
        "vehicle_archived",
    )


def test_put_is_not_allowed(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    assert_error(client_for(me).put(url(vehicle), {}, format="json"), 405, "method_not_allowed")


def test_delete_a_never_booked_vehicle_removes_it(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me, plate="AA111AA")
    add_vehicle(me, plate="BB222BB")
    response = client_for(me).delete(url(vehicle))
    assert response.status_code == 204
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()
    assert Vehicle.objects.get(owner=me).is_default


def test_delete_a_booked_vehicle_archives_it(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    public.has_any_booking.provide(lambda vehicle_pk: True)
    client = client_for(me)
    assert client.delete(url(vehicle)).status_code == 204
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert client.get(url()).json()["count"] == 0
    assert client.get(url(), {"archived": "true"}).json()["count"] == 1


def test_delete_a_vehicle_with_an_upcoming_booking_is_a_409(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    public.has_any_booking.provide(lambda vehicle_pk: True)
    public.has_active_future_booking.provide(lambda vehicle_pk, now: vehicle_pk == vehicle.pk)
    assert_error(client_for(me).delete(url(vehicle)), 409, "vehicle_has_active_booking")
    vehicle.refresh_from_db()
    assert not vehicle.is_archived
    assert vehicle.is_default
