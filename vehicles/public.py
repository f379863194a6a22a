"""What other apps may use of vehicles: plain snapshots of a customer's vehicle, the vocabulary,
and the ports bookings provides (whether a vehicle has bookings)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction

from core.locking import lock_key_expression
from vehicles import selectors, services
from vehicles.domain.codes import VehicleErrorCode
from vehicles.domain.plates import display_plate, normalise_plate
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES
from vehicles.models import CATEGORY_LABELS, ENERGY_LABELS, Vehicle
from vehicles.ports import has_active_future_booking, has_any_booking
from vehicles.selectors import check_vocabulary, profile_for

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "CATEGORIES",
    "ENERGIES",
    "VehicleErrorCode",
    "VehicleSnapshot",
    "active_vehicles_of_owners",
    "category_choices",
    "category_label",
    "check_vocabulary",
    "default_vehicle_of_owner",
    "display_plate",
    "energy_choices",
    "energy_label",
    "has_active_future_booking",
    "has_any_booking",
    "lock_vehicle_of_owner",
    "normalise_plate",
    "owners_with_plate",
    "profile_for",
    "vehicle_by_pk",
    "vehicle_of_owner",
    "vehicle_register",
]


def category_label(code: str) -> str:
    """A vehicle category's name in the active language (the code itself if unknown)."""
    return str(CATEGORY_LABELS.get(code, code))


def energy_label(code: str) -> str:
    """An energy's name in the active language (the code itself if unknown)."""
    return str(ENERGY_LABELS.get(code, code))


def category_choices() -> list[tuple[str, Any]]:
    """(code, name) of every vehicle category; the names are lazy, translated when shown."""
    return [(code, CATEGORY_LABELS[code]) for code in CATEGORIES]


def energy_choices() -> list[tuple[str, Any]]:
    """(code, name) of every energy; the names are lazy, translated when shown."""
    return [(code, ENERGY_LABELS[code]) for code in ENERGIES]


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

    @property
    def category_label(self) -> str:
        """Its category's name in the active language."""
        return category_label(self.category)

    @property
    def energy_label(self) -> str:
        """Its energy's name in the active language."""
        return energy_label(self.energy)


def _snapshot(vehicle: Vehicle) -> VehicleSnapshot:
    return VehicleSnapshot(
        pk=vehicle.pk,
        id=vehicle.public_id,
        owner_id=vehicle.owner_id,
        plate=vehicle.plate,
        plate_display=vehicle.plate_display,
        make=vehicle.make,
        model=vehicle.model,
        year=vehicle.year,
        category=vehicle.category,
        energy=vehicle.energy,
        nickname=vehicle.nickname,
        archived=vehicle.is_archived,
    )


def _usable(vehicle: Vehicle) -> VehicleSnapshot:
    return _snapshot(selectors.usable(vehicle))


def vehicle_of_owner(*, vehicle_id: UUID, owner_id: int) -> VehicleSnapshot:
    """The owner's vehicle by public id. NotFound when it does not exist or belongs to someone
    else; Conflict(code=VehicleErrorCode.VEHICLE_ARCHIVED) when archived."""
    return _usable(selectors.vehicle_of_owner(vehicle_id=vehicle_id, owner_id=owner_id))


def lock_vehicle_of_owner(
    *, vehicle_id: UUID, owner_id: int, key_first: tuple[str, int] | None = None
) -> VehicleSnapshot:
    """Like `vehicle_of_owner`, and the vehicle row stays locked until the caller's transaction
    ends, so that it cannot be archived or deleted meanwhile (bookings calls it before inserting
    a booking). `key_first` = (namespace, key): an advisory lock of the caller's taken before
    the row's, in the same statement (bookings: the customer's, under which their pending
    bookings are counted). Must be called inside `transaction.atomic()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_vehicle_of_owner needs a transaction")
    expression = None if key_first is None else lock_key_expression(*key_first)
    return _usable(
        selectors.vehicle_of_owner(
            vehicle_id=vehicle_id, owner_id=owner_id, lock=True, key_first=expression
        )
    )


def default_vehicle_of_owner(*, owner_id: int) -> VehicleSnapshot | None:
    """The owner's default vehicle; None when they have no active vehicle."""
    vehicle = selectors.default_vehicle_of_owner(owner_id=owner_id)
    return _snapshot(vehicle) if vehicle is not None else None


def vehicle_by_pk(pk: int) -> VehicleSnapshot:
    """Any vehicle, archived included (booking history shows archived vehicles); NotFound if the
    row does not exist."""
    return _snapshot(selectors.vehicle_by_pk(pk))


def vehicle_register(
    *,
    actor: User,
    owner_id: int,
    plate: str,
    make: str,
    model: str,
    year: int,
    category: str,
    energy: str,
    now: datetime | None = None,
) -> VehicleSnapshot:
    """An operator registers a vehicle for a customer (vehicles.services.vehicle_create, its
    rules and errors)."""
    return _snapshot(
        services.vehicle_create(
            actor=actor,
            owner_id=owner_id,
            plate=plate,
            make=make,
            model=model,
            year=year,
            category=category,
            energy=energy,
            now=now,
        )
    )


def active_vehicles_of_owners(owner_ids: Collection[int]) -> dict[int, list[VehicleSnapshot]]:
    """The active vehicles of each owner, default first then newest (one query)."""
    found: dict[int, list[VehicleSnapshot]] = {owner: [] for owner in owner_ids}
    if not found:
        return found
    for vehicle in selectors.active_vehicles_of_owners(owner_ids=list(found)):
        found[vehicle.owner_id].append(_snapshot(vehicle))
    return found


def owners_with_plate(text: str, *, limit: int = 20) -> list[int]:
    """The owners of the active vehicles whose plate contains `text` once normalised ("ab-123"
    finds AB123CD); empty for fewer than two plate characters. One query."""
    plate = normalise_plate(text)
    if len(plate) < 2:
        return []
    return selectors.owners_with_plate(plate, limit=limit)
