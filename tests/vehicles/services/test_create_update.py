"""Registering and editing vehicles: normalisation, validation, uniqueness and the limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import Conflict, NotFound, ValidationFailed
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import services
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def test_the_plate_is_stored_normalised_and_text_trimmed(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate=" ab-123.cd ", make=" Renault ", nickname="  Blue one ")
    vehicle.refresh_from_db()
    assert vehicle.plate == "AB123CD"
    assert vehicle.plate_display == "AB-123-CD"
    assert vehicle.make == "Renault"
    assert vehicle.nickname == "Blue one"
    assert vehicle.owner == owner
    assert vehicle.created_at == vehicle.updated_at == NOW


def test_the_first_vehicle_becomes_the_default_and_the_next_ones_do_not(
    add_vehicle: AddVehicle,
) -> None:
    owner = UserFactory.create()
    first = add_vehicle(owner)
    second = add_vehicle(owner)
    assert first.is_default
    assert not second.is_default
    assert Vehicle.objects.filter(owner=owner, is_default=True).count() == 1


def test_every_bad_field_is_reported_and_nothing_is_stored(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    with pytest.raises(ValidationFailed) as caught:
        add_vehicle(
            owner,
            plate="A#1",
            make="  ",
            year=1949,
            category="truck",
            energy="steam",
            colour="x" * 31,
        )
    assert set(caught.value.details) == {"plate", "make", "year", "category", "energy", "colour"}
    assert not Vehicle.objects.exists()


def test_next_year_is_accepted_but_not_the_year_after(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    assert add_vehicle(owner, year=NOW.year + 1).year == NOW.year + 1
    with pytest.raises(ValidationFailed) as caught:
        add_vehicle(owner, year=NOW.year + 2)
    assert "2027" in caught.value.details["year"][0]


def test_a_plate_is_unique_among_the_owners_active_vehicles(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AB123CD")
    with pytest.raises(Conflict) as caught:
        add_vehicle(owner, plate="ab 123 cd")
    assert caught.value.code == "plate_already_registered"
    assert Vehicle.objects.filter(owner=owner).count() == 1


def test_another_customer_may_register_the_same_plate(add_vehicle: AddVehicle) -> None:
    add_vehicle(UserFactory.create(), plate="AB123CD")
    assert add_vehicle(UserFactory.create(), plate="AB-123-CD").plate == "AB123CD"


def test_an_archived_vehicles_plate_can_be_registered_again(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    old = add_vehicle(owner, plate="AB123CD")
    services.vehicle_archive(vehicle_id=old.public_id, actor=owner, now=NOW)
    again = add_vehicle(owner, plate="AB123CD")
    assert again.is_default
    assert Vehicle.objects.filter(owner=owner, plate="AB123CD").count() == 2


def test_twenty_active_vehicles_at_most_archived_ones_do_not_count(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicles = [add_vehicle(owner) for _ in range(20)]
    with pytest.raises(Conflict) as caught:
        add_vehicle(owner, plate="ZZ999ZZ")
    assert caught.value.code == "vehicle_limit_reached"
    assert caught.value.details == {"limit": 20}
    assert Vehicle.objects.filter(owner=owner).count() == 20
    services.vehicle_archive(vehicle_id=vehicles[5].public_id, actor=owner, now=NOW)
    assert add_vehicle(owner, plate="ZZ999ZZ").plate == "ZZ999ZZ"


def test_the_limit_is_per_customer(add_vehicle: AddVehicle) -> None:
    crowded = UserFactory.create()
    for _ in range(20):
        add_vehicle(crowded)
    assert add_vehicle(UserFactory.create()).is_default


def test_update_changes_the_details_and_the_update_time(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    later = NOW + timedelta(days=3)
    services.vehicle_update(
        vehicle_id=vehicle.public_id,
        actor=owner,
        now=later,
        plate="zz-999-zz",
        colour="Red",
        category="van",
    )
    vehicle.refresh_from_db()
    assert (vehicle.plate, vehicle.colour, vehicle.category) == ("ZZ999ZZ", "Red", "van")
    assert vehicle.updated_at == later
    assert vehicle.created_at == NOW
    assert vehicle.is_default


def test_update_to_another_of_my_plates_is_a_conflict(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AB123CD")
    other = add_vehicle(owner, plate="XY456ZT")
    with pytest.raises(Conflict) as caught:
        services.vehicle_update(vehicle_id=other.public_id, actor=owner, plate="AB-123-CD")
    assert caught.value.code == "plate_already_registered"
    other.refresh_from_db()
    assert other.plate == "XY456ZT"


def test_update_keeping_its_own_plate_is_fine(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate="AB123CD")
    services.vehicle_update(vehicle_id=vehicle.public_id, actor=owner, plate="ab-123-cd")
    vehicle.refresh_from_db()
    assert vehicle.plate == "AB123CD"


def test_update_refuses_fields_that_are_not_details(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    second = add_vehicle(owner)
    with pytest.raises(ValidationFailed) as caught:
        services.vehicle_update(vehicle_id=second.public_id, actor=owner, is_default=True)
    assert set(caught.value.details) == {"is_default"}
    vehicle.refresh_from_db()
    assert vehicle.is_default


def test_update_of_an_archived_vehicle_is_a_conflict(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    with pytest.raises(Conflict) as caught:
        services.vehicle_update(vehicle_id=vehicle.public_id, actor=owner, colour="Red")
    assert caught.value.code == "vehicle_archived"


def test_update_of_someone_elses_vehicle_is_not_found_and_changes_nothing(
    add_vehicle: AddVehicle,
) -> None:
    vehicle = add_vehicle(UserFactory.create(), colour="Blue")
    with pytest.raises(NotFound):
        services.vehicle_update(
            vehicle_id=vehicle.public_id, actor=UserFactory.create(), colour="Red"
        )
    vehicle.refresh_from_db()
    assert vehicle.colour == "Blue"
