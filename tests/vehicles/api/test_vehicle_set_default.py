"""POST /api/v1/vehicles/{id}/set-default."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.api.helpers import assert_error, url
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import services
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def test_moves_the_default_flag(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    first = add_vehicle(me, plate="AA111AA")
    second = add_vehicle(me, plate="BB222BB")
    client = client_for(me)
    response = client.post(url(second, "set-default"))
    assert response.status_code == 200, response.content
    assert response.json()["is_default"] is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    listed = client.get(url()).json()["results"]
    assert [(v["plate"], v["is_default"]) for v in listed] == [
        ("BB222BB", True),
        ("AA111AA", False),
    ]


def test_on_the_current_default_is_a_200_and_changes_nothing(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    first = add_vehicle(me)
    response = client_for(me).post(url(first, "set-default"))
    assert response.status_code == 200
    assert Vehicle.objects.get(owner=me, is_default=True) == first


def test_on_an_archived_vehicle_is_a_409(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me)
    old = add_vehicle(me)
    services.vehicle_archive(vehicle_id=old.public_id, actor=me, now=NOW)
    assert_error(client_for(me).post(url(old, "set-default")), 409, "vehicle_archived")


def test_on_an_unknown_vehicle_is_a_404(client_for: Callable[[User], APIClient]) -> None:
    response = client_for(UserFactory.create()).post(url(uuid.uuid4(), "set-default"))
    assert_error(response, 404, "vehicle_not_found")


def test_get_is_not_allowed(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    vehicle = add_vehicle(me)
    assert_error(client_for(me).get(url(vehicle, "set-default")), 405, "method_not_allowed")
