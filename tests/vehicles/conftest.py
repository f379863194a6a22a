from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from vehicles import services

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def add_vehicle(db: None) -> Callable[..., Any]:
    """Registers a vehicle through the service, with sensible details unless overridden."""
    counter = iter(range(1000))

    def _add(owner: Any, **overrides: Any) -> Any:
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
