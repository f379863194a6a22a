"""Reads are scoped to the owner and ordered the way customers expect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import NotFound
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import selectors, services

pytestmark = pytest.mark.django_db


def test_the_default_comes_first_then_the_newest(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AA111AA", now=NOW)
    add_vehicle(owner, plate="BB222BB", now=NOW + timedelta(days=1))
    newest = add_vehicle(owner, plate="CC333CC", now=NOW + timedelta(days=2))
    assert [v.plate for v in selectors.vehicles_of_owner(owner_id=owner.pk)] == [
        "AA111AA",
        "CC333CC",
        "BB222BB",
    ]
    services.vehicle_archive(vehicle_id=newest.public_id, actor=owner, now=NOW)
    assert [v.plate for v in selectors.active_vehicles_of_owner(owner_id=owner.pk)] == [
        "AA111AA",
        "BB222BB",
    ]


def test_vehicle_of_owner_finds_archived_ones_but_never_anothers(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    assert selectors.vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=owner.pk) == vehicle
    with pytest.raises(NotFound) as caught:
        selectors.vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=UserFactory.create().pk)
    assert caught.value.code == "vehicle_not_found"
