"""Reads about vehicles, always scoped to their owner (another customer's vehicle is not found)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Func, QuerySet
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from vehicles.domain.codes import VehicleErrorCode
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES
from vehicles.models import Vehicle


def vehicle_not_found() -> NotFound:
    return NotFound(_("Vehicle not found."), code=VehicleErrorCode.VEHICLE_NOT_FOUND)


def vehicles_of_owner(*, owner_id: int) -> QuerySet[Vehicle]:
    """All of the owner's vehicles, archived included; the API filters archived ones out unless
    asked. No relation is read per row, so a page costs the same whatever its size."""
    return Vehicle.objects.filter(owner_id=owner_id).order_by("-is_default", "-created_at", "-pk")


def active_vehicles_of_owner(*, owner_id: int) -> QuerySet[Vehicle]:
    return vehicles_of_owner(owner_id=owner_id).filter(is_archived=False)


def active_vehicle_with_plate(*, owner_id: int, plate: str) -> Vehicle | None:
    """The owner's active vehicle with this normalised plate (at most one: a constraint)."""
    return active_vehicles_of_owner(owner_id=owner_id).filter(plate=plate).first()


def active_vehicles_of_owners(*, owner_ids: list[int]) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(owner_id__in=owner_ids, is_archived=False).order_by(
        "owner_id", "-is_default", "-created_at", "-pk"
    )


def owners_with_plate(plate: str, *, limit: int) -> list[int]:
    """Owners of active vehicles whose normalised plate contains `plate`."""
    rows = (
        Vehicle.objects.filter(plate__contains=plate, is_archived=False)
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
        .distinct()[:limit]
    )
    return list(rows)


def vehicle_of_owner(
    *, vehicle_id: UUID, owner_id: int, lock: bool = False, key_first: Func | None = None
) -> Vehicle:
    """The owner's vehicle (archived or not) by public id; NotFound otherwise. With `lock`, the
    row is locked until the end of the caller's transaction; `key_first` (an advisory lock
    expression, core.locking.lock_key_expression) is taken in the same statement, before it."""
    vehicles = Vehicle.objects.filter(public_id=vehicle_id, owner_id=owner_id)
    if lock:
        vehicles = vehicles.select_for_update()
        if key_first is not None:
            vehicles = vehicles.annotate(_key_first=key_first)
    vehicle = vehicles.first()
    if vehicle is None:
        raise vehicle_not_found()
    return vehicle


def usable(vehicle: Vehicle) -> Vehicle:
    """The vehicle, refused with Conflict(code=VehicleErrorCode.VEHICLE_ARCHIVED) when archived."""
    if vehicle.is_archived:
        raise Conflict(_("This vehicle is archived."), code=VehicleErrorCode.VEHICLE_ARCHIVED)
    return vehicle


def default_vehicle_of_owner(*, owner_id: int) -> Vehicle | None:
    return active_vehicles_of_owner(owner_id=owner_id).filter(is_default=True).first()


def vehicle_by_pk(pk: int) -> Vehicle:
    vehicle = Vehicle.objects.filter(pk=pk).first()
    if vehicle is None:
        raise vehicle_not_found()
    return vehicle


def vehicles_for_admin() -> QuerySet[Vehicle]:
    return Vehicle.objects.select_related("owner")


def vehicle_personal_data(*, owner_id: int) -> list[dict[str, Any]]:
    """The owner's vehicles, archived included, for the "export my data" document."""
    return [
        {
            "id": str(vehicle.public_id),
            "plate": vehicle.plate,
            "plate_display": vehicle.plate_display,
            "make": vehicle.make,
            "model": vehicle.model,
            "year": vehicle.year,
            "category": vehicle.category,
            "energy": vehicle.energy,
            "nickname": vehicle.nickname,
            "colour": vehicle.colour,
            "is_default": vehicle.is_default,
            "archived": vehicle.is_archived,
            "archived_at": vehicle.archived_at.isoformat() if vehicle.archived_at else None,
            "created_at": vehicle.created_at.isoformat(),
            "updated_at": vehicle.updated_at.isoformat(),
        }
        for vehicle in vehicles_of_owner(owner_id=owner_id).order_by("created_at", "pk")
    ]


def check_vocabulary(*, category: str, energy: str | None) -> None:
    """A category (and an energy, when given) named by a client must be known words."""
    details: dict[str, list[str]] = {}
    if category not in CATEGORIES:
        details["category"] = [
            _("Unknown category; use one of: %(known)s.") % {"known": ", ".join(CATEGORIES)}
        ]
    if energy is not None and energy not in ENERGIES:
        details["energy"] = [
            _("Unknown energy; use one of: %(known)s.") % {"known": ", ".join(ENERGIES)}
        ]
    if details:
        raise ValidationFailed(details=details)


def profile_for(
    *,
    vehicle_id: UUID | None,
    category: str | None,
    energy: str | None = None,
    owner_id: int | None,
) -> tuple[str, str | None]:
    """(category, energy) that a quote, availability or an explanation is asked for: one of the
    owner's vehicles, or a category (and an optional energy) a client names. The one place where
    "a vehicle or a category" is resolved (the serializers check the shape first):
    - neither or both: ValidationFailed on `category`;
    - a vehicle without a signed-in owner: Unauthenticated;
    - someone else's (or no such) vehicle: NotFound; an archived one: Conflict; the vehicle's
      own energy is used;
    - an unknown category or energy: ValidationFailed naming the known words."""
    if vehicle_id is None and category is None:
        raise ValidationFailed(details={"category": [_("Give a vehicle or a category.")]})
    if vehicle_id is not None and category is not None:
        raise ValidationFailed(
            details={"category": [_("Give either a vehicle or a category, not both.")]}
        )
    if vehicle_id is not None:
        if owner_id is None:
            raise Unauthenticated(_("Sign in to use one of your vehicles."))
        vehicle = usable(vehicle_of_owner(vehicle_id=vehicle_id, owner_id=owner_id))
        return vehicle.category, vehicle.energy
    assert category is not None
    check_vocabulary(category=category, energy=energy)
    return category, energy
