from __future__ import annotations

import factory

from tests.accounts.factories import UserFactory
from vehicles.models import Vehicle


def _owner_has_no_default(vehicle: object) -> bool:
    owner = vehicle.owner  # type: ignore[attr-defined]
    return not Vehicle.objects.filter(owner=owner, is_default=True, is_archived=False).exists()


class VehicleFactory(factory.django.DjangoModelFactory[Vehicle]):
    """A row written directly (no service): keeps "first active vehicle is the default" so that
    fixtures look like what the services produce. Use the services to test the rules."""

    class Meta:
        model = Vehicle

    owner = factory.SubFactory(UserFactory)
    plate = factory.Sequence(lambda n: f"AB{n:03d}CD")
    make = "Renault"
    model = "Clio"
    year = 2020
    category = "small"
    energy = "petrol"
    is_default = factory.LazyAttribute(_owner_has_no_default)
