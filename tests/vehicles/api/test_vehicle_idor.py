"""A customer can neither see, change, delete nor set as default another customer's vehicle:
every attempt is a 404, exactly like an id that does not exist, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.api.helpers import assert_error, url
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import services
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim_vehicles(add_vehicle: AddVehicle) -> tuple[User, Vehicle, Vehicle, Vehicle]:
    """The victim, then their default, other and archived vehicles."""
    victim = UserFactory.create()
    default = add_vehicle(victim, plate="AA111AA", colour="Blue")
    other = add_vehicle(victim, plate="BB222BB")
    archived = add_vehicle(victim, plate="CC333CC")
    services.vehicle_archive(vehicle_id=archived.public_id, actor=victim, now=NOW)
    return victim, default, other, archived


def _snapshot(owner: User) -> list[tuple[Any, ...]]:
    return list(
        Vehicle.objects.filter(owner=owner)
        .order_by("pk")
        .values_list("plate", "colour", "is_default", "is_archived", "updated_at")
    )


@pytest.mark.parametrize("which", [1, 2, 3])
def test_every_endpoint_answers_404_for_someone_elses_vehicle(
    victim_vehicles: tuple[User, Vehicle, Vehicle, Vehicle],
    client_for: Callable[[User], APIClient],
    add_vehicle: AddVehicle,
    which: int,
) -> None:
    victim, *vehicles = victim_vehicles
    target = vehicles[which - 1]
    attacker = UserFactory.create()
    add_vehicle(attacker, plate="ZZ999ZZ")
    before = _snapshot(victim)
    client = client_for(attacker)

    responses = [
        client.get(url(target)),
        client.patch(url(target), {"colour": "Black", "plate": "HA666CK"}, format="json"),
        client.post(url(target, "set-default")),
        client.delete(url(target)),
    ]
    for response in responses:
        error = assert_error(response, 404, "vehicle_not_found")
        assert "AA111AA" not in str(error)
        assert victim.email not in str(error)

    assert _snapshot(victim) == before
    assert Vehicle.objects.filter(owner=attacker).count() == 1


def test_someone_elses_vehicles_never_appear_in_my_lists(
    victim_vehicles: tuple[User, Vehicle, Vehicle, Vehicle], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(UserFactory.create())
    assert client.get(url()).json()["count"] == 0
    assert client.get(url(), {"archived": "true"}).json()["count"] == 0


def test_a_staff_operator_gets_no_special_access_through_the_api(
    victim_vehicles: tuple[User, Vehicle, Vehicle, Vehicle], client_for: Callable[[User], APIClient]
) -> None:
    from tests.accounts.factories import OperatorFactory

    target = victim_vehicles[1]
    client = client_for(OperatorFactory.create())
    assert_error(client.get(url(target)), 404, "vehicle_not_found")
    assert_error(client.delete(url(target)), 404, "vehicle_not_found")
    assert Vehicle.objects.filter(pk=target.pk).exists()
