"""The demo's vehicles: found by their owner and plate, else registered through the same use case
as the API (config.demo.ensure.vehicle)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import pytest

from config.demo import ensure
from core.errors import ValidationFailed
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


class Details(TypedDict):
    make: str
    model: str
    year: int
    category: str
    energy: str
    now: datetime


DETAILS: Details = {
    "make": "Renault",
    "model": "Clio",
    "year": 2020,
    "category": "small",
    "energy": "petrol",
    "now": NOW,
}


def test_a_first_vehicle_is_registered_and_becomes_the_default() -> None:
    owner = UserFactory.create()
    vehicle, created = ensure.vehicle(owner_id=owner.pk, plate="ab-123-cd", **DETAILS)
    assert created is True
    assert vehicle.plate == "AB123CD"
    assert vehicle.owner_id == owner.pk
    assert Vehicle.objects.get(pk=vehicle.pk).is_default


def test_the_same_plate_however_spelled_is_found_and_left_untouched() -> None:
    owner = UserFactory.create()
    first, _ = ensure.vehicle(owner_id=owner.pk, plate="AB-123-CD", **DETAILS)
    renamed: Details = {**DETAILS, "model": "Megane"}
    again, created = ensure.vehicle(owner_id=owner.pk, plate="ab 123 cd", **renamed)
    assert created is False
    assert (again.pk, again.model) == (first.pk, "Clio")
    assert Vehicle.objects.filter(owner=owner).count() == 1


def test_another_owner_with_the_same_plate_gets_their_own_vehicle() -> None:
    first, _ = ensure.vehicle(owner_id=UserFactory.create().pk, plate="AB123CD", **DETAILS)
    other, created = ensure.vehicle(owner_id=UserFactory.create().pk, plate="AB123CD", **DETAILS)
    assert created is True
    assert other.pk != first.pk


def test_the_use_case_rules_still_apply() -> None:
    with pytest.raises(ValidationFailed):
        ensure.vehicle(owner_id=UserFactory.create().pk, plate="A", **DETAILS)
