"""The default flag, archiving and deleting: exactly one default while any vehicle is active."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NoReturn

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from core.errors import Conflict, NotFound
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW, AddVehicle
from tests.vehicles.factories import VehicleFactory
from vehicles import public, services
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def _default_of(owner: User) -> list[str]:
    return list(
        Vehicle.objects.filter(owner=owner, is_default=True, is_archived=False).values_list(
            "plate", flat=True
        )
    )


def test_set_default_moves_the_flag(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AA111AA")
    second = add_vehicle(owner, plate="BB222BB")
    result = services.vehicle_set_default(vehicle_id=second.public_id, actor=owner, now=NOW)
    assert result.is_default
    assert _default_of(owner) == ["BB222BB"]


def test_set_default_on_the_default_changes_nothing(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    first = add_vehicle(owner)
    services.vehicle_set_default(vehicle_id=first.public_id, actor=owner, now=NOW + timedelta(1))
    first.refresh_from_db()
    assert first.is_default
    assert first.updated_at == NOW


def test_set_default_on_an_archived_vehicle_is_a_conflict(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AA111AA")
    old = add_vehicle(owner, plate="BB222BB")
    services.vehicle_archive(vehicle_id=old.public_id, actor=owner, now=NOW)
    with pytest.raises(Conflict) as caught:
        services.vehicle_set_default(vehicle_id=old.public_id, actor=owner)
    assert caught.value.code == "vehicle_archived"
    assert _default_of(owner) == ["AA111AA"]


def test_set_default_on_someone_elses_vehicle_is_not_found(add_vehicle: AddVehicle) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AA111AA")
    theirs = add_vehicle(UserFactory.create(), plate="BB222BB")
    other_default = add_vehicle(theirs.owner, plate="CC333CC")
    with pytest.raises(NotFound):
        services.vehicle_set_default(vehicle_id=other_default.public_id, actor=me)
    assert _default_of(me) == ["AA111AA"]
    assert _default_of(theirs.owner) == ["BB222BB"]


def test_archiving_the_default_promotes_the_most_recently_updated_other(
    add_vehicle: AddVehicle,
) -> None:
    owner = UserFactory.create()
    default = add_vehicle(owner, plate="AA111AA")
    touched = add_vehicle(owner, plate="BB222BB")
    add_vehicle(owner, plate="CC333CC", now=NOW + timedelta(hours=1))  # newer, but not touched
    services.vehicle_update(
        vehicle_id=touched.public_id, actor=owner, colour="Green", now=NOW + timedelta(hours=2)
    )
    archived = services.vehicle_archive(
        vehicle_id=default.public_id, actor=owner, now=NOW + timedelta(hours=3)
    )
    assert archived.is_archived
    assert archived.archived_at == NOW + timedelta(hours=3)
    assert not archived.is_default
    assert _default_of(owner) == ["BB222BB"]


def test_archiving_another_vehicle_keeps_the_default(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    add_vehicle(owner, plate="AA111AA")
    other = add_vehicle(owner, plate="BB222BB")
    services.vehicle_archive(vehicle_id=other.public_id, actor=owner, now=NOW)
    assert _default_of(owner) == ["AA111AA"]


def test_archiving_the_last_vehicle_leaves_no_default_and_the_next_one_gets_it(
    add_vehicle: AddVehicle,
) -> None:
    owner = UserFactory.create()
    only = add_vehicle(owner, plate="AA111AA")
    services.vehicle_archive(vehicle_id=only.public_id, actor=owner, now=NOW)
    assert _default_of(owner) == []
    assert add_vehicle(owner, plate="BB222BB").is_default


def test_archiving_twice_changes_nothing(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    again = services.vehicle_archive(
        vehicle_id=vehicle.public_id, actor=owner, now=NOW + timedelta(days=1)
    )
    assert again.archived_at == NOW


def test_a_vehicle_with_an_active_future_booking_cannot_be_archived(
    add_vehicle: AddVehicle,
) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate="AA111AA")
    add_vehicle(owner, plate="BB222BB")
    asked: list[tuple[int, datetime]] = []

    def booked(vehicle_pk: int, now: datetime) -> bool:
        asked.append((vehicle_pk, now))
        return vehicle_pk == vehicle.pk

    public.has_active_future_booking.provide(booked)
    with pytest.raises(Conflict) as caught:
        services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    assert caught.value.code == "vehicle_has_active_booking"
    assert asked == [(vehicle.pk, NOW)]
    vehicle.refresh_from_db()
    assert not vehicle.is_archived
    assert _default_of(owner) == ["AA111AA"]


def test_archive_of_someone_elses_vehicle_is_not_found(add_vehicle: AddVehicle) -> None:
    vehicle = add_vehicle(UserFactory.create())
    with pytest.raises(NotFound):
        services.vehicle_archive(vehicle_id=vehicle.public_id, actor=UserFactory.create())
    vehicle.refresh_from_db()
    assert not vehicle.is_archived


def test_a_never_booked_vehicle_is_deleted(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner) is True
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_deleting_the_default_promotes_another(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    default = add_vehicle(owner, plate="AA111AA")
    add_vehicle(owner, plate="BB222BB")
    services.vehicle_delete(vehicle_id=default.public_id, actor=owner)
    assert _default_of(owner) == ["BB222BB"]


def test_a_booked_vehicle_is_archived_instead_of_deleted(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate="AA111AA")
    add_vehicle(owner, plate="BB222BB")
    public.has_any_booking.provide(lambda vehicle_pk: vehicle_pk == vehicle.pk)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner, now=NOW) is False
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert vehicle.archived_at == NOW
    assert _default_of(owner) == ["BB222BB"]


def test_deleting_a_vehicle_with_an_upcoming_booking_is_refused(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    public.has_any_booking.provide(lambda vehicle_pk: True)
    public.has_active_future_booking.provide(lambda vehicle_pk, now: True)
    with pytest.raises(Conflict) as caught:
        services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner)
    assert caught.value.code == "vehicle_has_active_booking"
    vehicle.refresh_from_db()
    assert not vehicle.is_archived
    assert vehicle.is_default


def test_an_archived_never_booked_vehicle_can_be_deleted_for_good(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner) is True
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_deleting_an_archived_booked_vehicle_keeps_it(add_vehicle: AddVehicle) -> None:
    owner = UserFactory.create()
    vehicle = add_vehicle(owner)
    services.vehicle_archive(vehicle_id=vehicle.public_id, actor=owner, now=NOW)
    public.has_any_booking.provide(lambda vehicle_pk: True)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner) is False
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert vehicle.archived_at == NOW


def test_delete_of_someone_elses_vehicle_is_not_found(add_vehicle: AddVehicle) -> None:
    vehicle = add_vehicle(UserFactory.create())
    with pytest.raises(NotFound):
        services.vehicle_delete(vehicle_id=vehicle.public_id, actor=UserFactory.create())
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()


# The database has the last word even when code bypasses the services.


def test_the_database_refuses_a_second_default() -> None:
    first = VehicleFactory.create()
    assert first.is_default
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleFactory.create(owner=first.owner, is_default=True)


def test_the_database_refuses_a_duplicate_active_plate() -> None:
    first = VehicleFactory.create(plate="AB123CD")
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleFactory.create(owner=first.owner, plate="AB123CD")
    VehicleFactory.create(owner=first.owner, plate="AB123CD", is_archived=True, archived_at=NOW)


@pytest.mark.parametrize(
    "values",
    [
        {"category": "truck"},
        {"energy": "steam"},
        {"year": 1949},
        {"plate": "A"},
        {"is_archived": True},  # archived without a date
        {"is_archived": True, "archived_at": NOW, "is_default": True},
    ],
)
def test_the_database_refuses_rows_that_break_a_rule(values: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleFactory.create(**values)


def test_a_vehicle_protected_by_a_booking_row_is_archived_instead(
    add_vehicle: AddVehicle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bookings' foreign key refuses the delete (on_delete=PROTECT) even if the port said no."""
    from django.db.models import ProtectedError, QuerySet

    owner = UserFactory.create()
    vehicle = add_vehicle(owner, plate="AA111AA")
    add_vehicle(owner, plate="BB222BB")

    def protected(self: QuerySet[Any], *args: Any, **kwargs: Any) -> NoReturn:
        raise ProtectedError("referenced by a booking", set())

    monkeypatch.setattr(QuerySet, "delete", protected)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner, now=NOW) is False
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert _default_of(owner) == ["BB222BB"]


def test_a_booking_committed_during_the_delete_turns_it_into_an_archive(
    add_vehicle: AddVehicle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the foreign key is checked at commit: the delete then fails as a whole."""
    from django.db.models import QuerySet

    owner = UserFactory.create()
    vehicle = add_vehicle(owner)

    def racing(self: QuerySet[Any], *args: Any, **kwargs: Any) -> NoReturn:
        raise IntegrityError("violates foreign key constraint")

    monkeypatch.setattr(QuerySet, "delete", racing)
    assert services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner, now=NOW) is False
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert vehicle.archived_at == NOW
