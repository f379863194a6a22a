"""vehicles.public.ensure_vehicle: demo data registers vehicles through the same use case."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW
from vehicles import public
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db

DETAILS = {
    "make": "Renault",
    "model": "Clio",
    "year": 2020,
    "category": "small",
    "energy": "petrol",
    "now": NOW,
}


def test_a_first_vehicle_is_registered_and_becomes_the_default() -> None:
    owner = UserFactory()
    snapshot, created = public.ensure_vehicle(owner_id=owner.pk, plate="ab-123-cd", **DETAILS)
    assert created is True
    assert snapshot.plate == "AB123CD"
    assert snapshot.owner_id == owner.pk
    assert Vehicle.objects.get(pk=snapshot.pk).is_default


def test_the_same_plate_however_spelled_is_found_and_left_untouched() -> None:
    owner = UserFactory()
    first, _ = public.ensure_vehicle(owner_id=owner.pk, plate="AB-123-CD", **DETAILS)
    again, created = public.ensure_vehicle(
        owner_id=owner.pk, plate="ab 123 cd", **{**DETAILS, "model": "Megane"}
    )
    assert created is False
    assert again == first
    assert Vehicle.objects.filter(owner=owner).count() == 1


def test_another_owner_with_the_same_plate_gets_their_own_vehicle() -> None:
    first, _ = public.ensure_vehicle(owner_id=UserFactory().pk, plate="AB123CD", **DETAILS)
    other, created = public.ensure_vehicle(owner_id=UserFactory().pk, plate="AB123CD", **DETAILS)
    assert created is True
    assert other.pk != first.pk


def test_the_use_case_rules_still_apply() -> None:
    with pytest.raises(ValidationFailed):
        public.ensure_vehicle(owner_id=UserFactory().pk, plate="A", **DETAILS)
