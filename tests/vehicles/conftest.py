from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import pytest

from accounts.models import User
from vehicles import services
from vehicles.models import Vehicle

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class AddVehicle(Protocol):
    """The `add_vehicle` fixture: registers a vehicle of `owner` through the service."""

    def __call__(self, owner: User, **overrides: Any) -> Vehicle: ...


@pytest.fixture
def add_vehicle(db: None) -> AddVehicle:
    """Registers a vehicle through the service, with sensible details unless overridden."""
    counter = iter(range(1000))

    def _add(owner: User, **overrides: Any) -> Vehicle:
        values: dict[str, Any] = {
            "plate": f"AA{next(counter):03d}AA",
            "make": "Peugeot",
            "model": "208",
            "year": 2021,
            "category": "small",
            "energy": "petrol",
            "now": NOW,
        }
        values.update(overrides)
        return services.vehicle_create(actor=owner, **values)

    return _add
