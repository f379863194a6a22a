"""What other apps may use of vehicles. (Interface agreed before implementation; the vehicles
feature fills in the bodies.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.ports import Port
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES

__all__ = [
    "CATEGORIES",
    "ENERGIES",
    "VehicleSnapshot",
    "has_active_future_booking",
    "has_any_booking",
    "vehicle_by_pk",
    "vehicle_of_owner",
]


@dataclass(frozen=True)
class VehicleSnapshot:
    pk: int
    id: UUID
    owner_id: int
    plate: str
    plate_display: str
    make: str
    model: str
    year: int
    category: str
    energy: str
    nickname: str
    archived: bool


# Provided by bookings in its AppConfig.ready(); until then no vehicle has bookings.
has_active_future_booking: Port[[int, datetime], bool] = Port(
    "vehicles.has_active_future_booking", default=lambda vehicle_pk, now: False
)
has_any_booking: Port[[int], bool] = Port(
    "vehicles.has_any_booking", default=lambda vehicle_pk: False
)


def vehicle_of_owner(*, vehicle_id: UUID, owner_id: int) -> VehicleSnapshot:
    """The owner's vehicle by public id. NotFound when it does not exist or belongs to someone
    else; Conflict(code="vehicle_archived") when archived."""
    raise NotImplementedError


def vehicle_by_pk(pk: int) -> VehicleSnapshot:
    raise NotImplementedError
