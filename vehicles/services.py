"""Vehicle use cases. Each one takes the acting customer, touches only that customer's vehicles
(another customer's vehicle is "not found") and owns its transaction.

Concurrency: every write locks, in this order, the owner's user row and then the owner's active
vehicles by primary key. The user row serialises writes even when the owner has no vehicle yet
(two "first" vehicles, the 20-vehicle limit); the vehicle rows keep the default flag stable while
it moves. The partial unique constraints have the last word if anything bypasses this."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import CharField, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from accounts import public as accounts
from core.clock import resolve_now
from core.errors import Conflict, LockTimeout, PermissionDenied, ValidationFailed
from core.locking import locked_transaction
from vehicles import ports
from vehicles.domain.codes import VehicleErrorCode
from vehicles.domain.plates import (
    PLATE_MAX_LENGTH,
    PLATE_MIN_LENGTH,
    is_valid_plate,
    normalise_plate,
)
from vehicles.domain.rules import (
    MAX_ACTIVE_VEHICLES_PER_OWNER,
    YEAR_MIN,
    can_add_vehicle,
    is_valid_year,
    year_max,
)
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES
from vehicles.models import Vehicle
from vehicles.selectors import vehicle_not_found

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS = ("plate", "make", "model", "year", "category", "energy", "nickname", "colour")
_REQUIRED_TEXT = ("make", "model")
_OPTIONAL_TEXT = ("nickname", "colour")
# Short: a customer's request should fail fast and be retried rather than queue behind a stuck one.
# How long a change waits for another change of the same owner's vehicles (core.locking).
LOCK_WAIT_MS = 5000


# --- validation ------------------------------------------------------------------------------


def _max_length(name: str) -> int:
    field = Vehicle._meta.get_field(name)
    assert isinstance(field, CharField)
    return field.max_length or 0


def _clean(values: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The given fields checked and normalised; ValidationFailed lists every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in EDITABLE_FIELDS:
            errors[name] = [_("This field cannot be changed.")]
            continue
        if name == "year":
            if isinstance(value, bool) or not isinstance(value, int):
                errors[name] = [_("Enter a whole number.")]
            elif not is_valid_year(value, now=now):
                errors[name] = [
                    _("Enter a year between %(min)d and %(max)d.")
                    % {"min": YEAR_MIN, "max": year_max(now)}
                ]
            else:
                cleaned[name] = value
            continue
        if not isinstance(value, str) or "\x00" in value:
            errors[name] = [_("Enter a valid text.")]
            continue
        if name == "plate":
            plate = normalise_plate(value)
            if is_valid_plate(plate):
                cleaned[name] = plate
            else:
                errors[name] = [
                    _(
                        "Enter a plate of %(min)d to %(max)d letters and digits "
                        "(spaces, dashes and dots are ignored)."
                    )
                    % {"min": PLATE_MIN_LENGTH, "max": PLATE_MAX_LENGTH}
                ]
        elif name == "category":
            if value in CATEGORIES:
                cleaned[name] = value
            else:
                errors[name] = [_("Choose one of: %s.") % ", ".join(CATEGORIES)]
        elif name == "energy":
            if value in ENERGIES:
                cleaned[name] = value
            else:
                errors[name] = [_("Choose one of: %s.") % ", ".join(ENERGIES)]
        else:
            text = value.strip()
            max_length = _max_length(name)
            if name in _REQUIRED_TEXT and not text:
                errors[name] = [_("This field may not be blank.")]
            elif len(text) > max_length:
                errors[name] = [
                    _("Ensure this field has no more than %(max)d characters.")
                    % {"max": max_length}
                ]
            else:
                cleaned[name] = text
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def _plate_taken() -> Conflict:
    return Conflict(
        _("You already have a vehicle with this plate."),
        code=VehicleErrorCode.PLATE_ALREADY_REGISTERED,
        details={"plate": [_("You already have a vehicle with this plate.")]},
    )


def _ensure_plate_free(
    plate: str, active: list[Vehicle], *, besides: Vehicle | None = None
) -> None:
    if any(v.plate == plate and v is not besides for v in active):
        raise _plate_taken()


def _integrity_conflict(exc: IntegrityError) -> Conflict:
    """Only reachable when something wrote around the owner lock (the admin shell, a script)."""
    if "plate" in str(exc):
        return _plate_taken()
    return Conflict(
        _("Your vehicles were changed at the same time; please try again."),
        code=VehicleErrorCode.VEHICLE_CONFLICT,
    )


# --- locking -----------------------------------------------------------------------------------


def _vehicles_busy() -> LockTimeout:
    return LockTimeout(
        _("Another change to your vehicles is in progress; please try again."),
        code=VehicleErrorCode.VEHICLES_BUSY,
    )


@contextmanager
def _owner_locked(owner_id: int) -> Iterator[list[Vehicle]]:
    """A transaction holding the owner's row and active vehicles; yields those vehicles. A wait
    longer than LOCK_WAIT_MS is refused (409 vehicles_busy, with Retry-After)."""
    with locked_transaction(_vehicles_busy, milliseconds=LOCK_WAIT_MS):
        accounts.lock_user_row(owner_id)
        yield list(
            Vehicle.objects.select_for_update()
            .filter(owner_id=owner_id, is_archived=False)
            .order_by("pk")
        )


def _as_uuid(vehicle_id: UUID | str) -> UUID:
    try:
        return vehicle_id if isinstance(vehicle_id, UUID) else UUID(str(vehicle_id))
    except ValueError as exc:
        raise vehicle_not_found() from exc


def _vehicle_archived() -> Conflict:
    return Conflict(_("This vehicle is archived."), code=VehicleErrorCode.VEHICLE_ARCHIVED)


def _target(active: list[Vehicle], *, vehicle_id: UUID | str, owner_id: int) -> Vehicle:
    """The owner's active vehicle among the locked ones; 404 when it is not the owner's,
    409 when it is archived."""
    wanted = _as_uuid(vehicle_id)
    for vehicle in active:
        if vehicle.public_id == wanted:
            return vehicle
    if Vehicle.objects.filter(public_id=wanted, owner_id=owner_id).exists():
        raise _vehicle_archived()
    raise vehicle_not_found()


def _promote_successor(active: list[Vehicle], *, leaving: Vehicle) -> Vehicle | None:
    """Keeps "one default while any vehicle is active": the most recently updated other one."""
    others = [v for v in active if v.pk != leaving.pk]
    if not others:
        return None
    successor = max(others, key=lambda v: (v.updated_at, v.pk))
    successor.is_default = True
    successor.save(update_fields=["is_default"])
    return successor


# --- use cases ---------------------------------------------------------------------------------


def vehicle_create(
    *,
    actor: User,
    plate: str,
    make: str,
    model: str,
    year: int,
    category: str,
    energy: str,
    nickname: str = "",
    colour: str = "",
    owner_id: int | None = None,
    now: datetime | None = None,
) -> Vehicle:
    """Registers a vehicle for `actor`, or for the customer `owner_id` when an operator registers
    it for them (a phone or walk-in booking). The owner's first active vehicle becomes the
    default. PermissionDenied when someone else than an operator names an owner."""
    moment = resolve_now(now)
    owner = actor.pk
    if owner_id is not None and owner_id != actor.pk:
        if not accounts.is_operator(actor):
            raise PermissionDenied(_("Only operators may register a vehicle for a customer."))
        owner = owner_id
    values = _clean(
        {
            "plate": plate,
            "make": make,
            "model": model,
            "year": year,
            "category": category,
            "energy": energy,
            "nickname": nickname,
            "colour": colour,
        },
        now=moment,
    )
    try:
        with _owner_locked(owner) as active:
            if not can_add_vehicle(len(active)):
                raise Conflict(
                    _("You cannot have more than %(limit)d vehicles; archive one first.")
                    % {"limit": MAX_ACTIVE_VEHICLES_PER_OWNER},
                    code=VehicleErrorCode.VEHICLE_LIMIT_REACHED,
                    details={"limit": MAX_ACTIVE_VEHICLES_PER_OWNER},
                )
            _ensure_plate_free(values["plate"], active)
            vehicle = Vehicle(
                owner_id=owner,
                is_default=not any(v.is_default for v in active),
                created_at=moment,
                updated_at=moment,
                **values,
            )
            vehicle.save(force_insert=True)
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    return vehicle


def vehicle_update(
    *, vehicle_id: UUID, actor: User, now: datetime | None = None, **changes: Any
) -> Vehicle:
    """Changes the details of one of the actor's active vehicles (not its default flag)."""
    moment = resolve_now(now)
    values = _clean(changes, now=moment)
    try:
        with _owner_locked(actor.pk) as active:
            vehicle = _target(active, vehicle_id=vehicle_id, owner_id=actor.pk)
            if "plate" in values:
                _ensure_plate_free(values["plate"], active, besides=vehicle)
            if not values:
                return vehicle
            for name, value in values.items():
                setattr(vehicle, name, value)
            vehicle.updated_at = moment
            vehicle.save(update_fields=[*values, "updated_at"])
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    return vehicle


def vehicle_set_default(*, vehicle_id: UUID, actor: User, now: datetime | None = None) -> Vehicle:
    """Makes one of the actor's active vehicles the default, atomically: the old default loses
    the flag in the same transaction, under the owner's locks."""
    moment = resolve_now(now)
    try:
        with _owner_locked(actor.pk) as active:
            vehicle = _target(active, vehicle_id=vehicle_id, owner_id=actor.pk)
            if vehicle.is_default:
                return vehicle
            # The old flag goes first: the partial unique index is checked row by row.
            Vehicle.objects.filter(
                pk__in=[v.pk for v in active if v.is_default and v.pk != vehicle.pk]
            ).update(is_default=False)
            vehicle.is_default = True
            vehicle.updated_at = moment
            vehicle.save(update_fields=["is_default", "updated_at"])
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    return vehicle


def _archive(vehicle: Vehicle, active: list[Vehicle], *, moment: datetime) -> None:
    if ports.has_active_future_booking(vehicle.pk, moment):
        raise Conflict(
            _("This vehicle has an upcoming booking; cancel it before archiving the vehicle."),
            code=VehicleErrorCode.VEHICLE_HAS_ACTIVE_BOOKING,
        )
    was_default = vehicle.is_default
    vehicle.is_archived = True
    vehicle.archived_at = moment
    vehicle.is_default = False
    vehicle.save(update_fields=["is_archived", "archived_at", "is_default"])
    if was_default:
        _promote_successor(active, leaving=vehicle)


def vehicle_archive(*, vehicle_id: UUID, actor: User, now: datetime | None = None) -> Vehicle:
    """Hides a vehicle from the owner's active list, keeping it for booking history. Refused
    (409) while it has an active future booking. Archiving an archived vehicle changes nothing."""
    moment = resolve_now(now)
    try:
        with _owner_locked(actor.pk) as active:
            try:
                vehicle = _target(active, vehicle_id=vehicle_id, owner_id=actor.pk)
            except Conflict:  # already archived
                return Vehicle.objects.get(public_id=_as_uuid(vehicle_id), owner_id=actor.pk)
            _archive(vehicle, active, moment=moment)
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    return vehicle


def vehicle_delete(*, vehicle_id: UUID, actor: User, now: datetime | None = None) -> bool:
    """Deletes a vehicle that was never booked; a vehicle that ever was is archived instead, so
    that its bookings keep it. True when the row was deleted, False when archived."""
    moment = resolve_now(now)
    try:
        with _owner_locked(actor.pk) as active:
            try:
                vehicle = _target(active, vehicle_id=vehicle_id, owner_id=actor.pk)
            except Conflict:  # archived: it can still go for good if it was never booked
                vehicle = Vehicle.objects.select_for_update().get(
                    public_id=_as_uuid(vehicle_id), owner_id=actor.pk
                )
            if ports.has_any_booking(vehicle.pk):
                if not vehicle.is_archived:
                    _archive(vehicle, active, moment=moment)
                return False
            try:
                with transaction.atomic():
                    Vehicle.objects.filter(pk=vehicle.pk).delete()
            except (ProtectedError, RestrictedError):
                _archive(vehicle, active, moment=moment)
                return False
            if vehicle.is_default:
                _promote_successor(active, leaving=vehicle)
            return True
    except IntegrityError:
        # A booking referencing it was committed while we deleted (the foreign key is checked
        # at commit): keep the vehicle, archive it instead.
        vehicle_archive(vehicle_id=vehicle_id, actor=actor, now=moment)
        return False


ERASED_PLATE = "ERASED"


def vehicles_erase_owner(*, owner_id: int, now: datetime | None = None) -> int:
    """The owner closed their account (accounts.account_erased): every vehicle of theirs loses
    what identifies it (plate, make, model, nickname, colour) and is archived; category, energy
    and year stay (they identify nobody). Bookings keep their own copies (bookings' rule)."""
    moment = resolve_now(now)
    return Vehicle.objects.filter(owner_id=owner_id).update(
        plate=ERASED_PLATE,
        make="",
        model="",
        nickname="",
        colour="",
        is_default=False,
        is_archived=True,
        archived_at=moment,
    )
