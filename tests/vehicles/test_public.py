"""vehicles.public: what bookings and pricing may read of a vehicle."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from core.errors import Conflict, NotFound
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import public, services

pytestmark = pytest.mark.django_db


def test_vehicle_of_owner_is_a_plain_snapshot(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate="AB123CD", category="van", energy="electric")
    snapshot = public.vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=owner.pk)
    assert snapshot == public.VehicleSnapshot(
        pk=vehicle.pk,
        id=vehicle.public_id,
        owner_id=owner.pk,
        plate="AB123CD",
        plate_display="AB-123-CD",
        make="Peugeot",
        model="208",
        year=2021,
        category="van",
        energy="electric",
        nickname="",
        archived=False,
    )


def test_vehicle_of_owner_hides_other_customers_vehicles(add_vehicle: AddVehicle) -> None:
    vehicle = add_vehicle(UserFactory.create())
    with pytest.raises(NotFound):
        public.vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=UserFactory.create().pk)
    with pytest.raises(NotFound):
        public.vehicle_of_owner(vehicle_id=uuid.uuid4(), owner_id=vehicle.owner_id)


def test_an_archived_vehicle_cannot_be_used(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    with pytest.raises(Conflict) as caught:
        public.vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=owner.pk)
    assert caught.value.code == "vehicle_archived"
    # History still finds it by its key.
    assert public.vehicle_by_pk(vehicle.pk).archived is True


def test_vehicle_by_pk_of_a_missing_row_is_not_found() -> None:
    with pytest.raises(NotFound):
        public.vehicle_by_pk(987654)


def test_default_vehicle_of_owner(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    assert public.default_vehicle_of_owner(owner_id=owner.pk) is None
    first = add_vehicle(owner)
    add_vehicle(owner)
    default = public.default_vehicle_of_owner(owner_id=owner.pk)
    assert default is not None
    assert default.id == first.public_id


@pytest.mark.django_db(transaction=True)
def test_lock_vehicle_of_owner_needs_a_transaction(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    with pytest.raises(RuntimeError):
        public.lock_vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=owner.pk)
    with transaction.atomic():
        locked = public.lock_vehicle_of_owner(vehicle_id=vehicle.public_id, owner_id=owner.pk)
    assert locked.pk == vehicle.pk


def test_the_vocabulary_is_shared() -> None:
    assert public.CATEGORIES == ("small", "medium", "large", "van")
    assert public.ENERGIES == ("petrol", "diesel", "hybrid", "electric", "other")
    assert public.display_plate(public.normalise_plate("ab-123-cd")) == "AB-123-CD"


def test_profile_for_resolves_a_vehicle_or_a_category_once(add_vehicle: AddVehicle) -> None:
    """The one resolver that quotes, availability and explanations use (issue 11 item 4)."""
    from core.errors import Unauthenticated, ValidationFailed

    owner = UserFactory.create()
    vehicle = add_vehicle(owner, category="van", energy="electric")
    assert public.profile_for(vehicle_id=vehicle.public_id, category=None, owner_id=owner.pk) == (
        "van",
        "electric",
    )
    assert public.profile_for(vehicle_id=None, category="small", owner_id=None) == ("small", None)
    assert public.profile_for(
        vehicle_id=None, category="small", energy="diesel", owner_id=None
    ) == ("small", "diesel")
    with pytest.raises(ValidationFailed) as neither:
        public.profile_for(vehicle_id=None, category=None, owner_id=owner.pk)
    assert list(neither.value.details) == ["category"]
    with pytest.raises(ValidationFailed) as both:
        public.profile_for(vehicle_id=vehicle.public_id, category="van", owner_id=owner.pk)
    assert list(both.value.details) == ["category"]
    with pytest.raises(Unauthenticated):
        public.profile_for(vehicle_id=vehicle.public_id, category=None, owner_id=None)
    with pytest.raises(NotFound):
        public.profile_for(
            vehicle_id=vehicle.public_id, category=None, owner_id=UserFactory.create().pk
        )
    with pytest.raises(ValidationFailed) as unknown:
        public.profile_for(vehicle_id=None, category="tank", energy="steam", owner_id=None)
    assert set(unknown.value.details) == {"category", "energy"}
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner)
    with pytest.raises(Conflict):
        public.profile_for(vehicle_id=vehicle.public_id, category=None, owner_id=owner.pk)
