"""Moving a booking to a chosen resource (the planning board's drag and drop): the one
reschedule use case, with a target resource. Another bay at the same time, another start on
another bay, a refusal with the precise code of that bay and nothing changed, the history row
and the customer's event as any reschedule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings import services
from bookings.models import Booking, BookingEvent
from core.errors import DomainError, PermissionDenied
from core.models import OutboxEvent
from tests.bookings.factories import World, at, make_world
from tests.scheduling.factories import ClosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=2)


def _confirmed(world: World, hour: int) -> Booking:
    booking = world.book(hour, now=at(world.day, 8) - timedelta(days=2))
    return services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=at(world.day, 8) - timedelta(days=1)
    )


def _other_bay(world: World, booking: Booking):  # type: ignore[no-untyped-def]
    return next(bay for bay in world.resources if bay.pk != booking.resource_id)


def _move(world: World, booking: Booking, start, resource):  # type: ignore[no-untyped-def]
    return services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.operator,
        start=start,
        resource_pk=resource.pk,
        now=at(world.day, 8) - timedelta(days=1),
    )


def test_a_booking_moves_to_another_bay_at_the_same_time(world: World) -> None:
    booking = _confirmed(world, 10)
    other = _other_bay(world, booking)
    moved = _move(world, booking, booking.start, other)
    again = Booking.objects.get(pk=booking.pk)
    assert (again.start, again.resource_id) == (booking.start, other.pk)
    assert moved.state == "confirmed"
    event = BookingEvent.objects.filter(booking=booking, action="reschedule").get()
    assert event.details["from_resource"]["name"] != event.details["to_resource"]["name"]
    assert event.details["to_resource"]["name"] == other.name
    assert event.details["from"] == event.details["to"]
    assert OutboxEvent.objects.filter(type="booking.rescheduled").exists()


def test_a_booking_moves_to_another_start_on_another_bay(world: World) -> None:
    booking = _confirmed(world, 10)
    other = _other_bay(world, booking)
    _move(world, booking, at(world.day, 14, 30), other)
    again = Booking.objects.get(pk=booking.pk)
    assert (again.start, again.resource_id) == (at(world.day, 14, 30), other.pk)
    assert again.end - again.start == booking.end - booking.start


def test_the_chosen_bay_even_when_the_other_is_emptier(world: World) -> None:
    """The assignment would pick the emptier bay: a move goes where the operator dropped it."""
    booking = _confirmed(world, 10)
    _confirmed(world, 15)  # the other bay now has a booking too, or the same: either way
    own = next(bay for bay in world.resources if bay.pk == booking.resource_id)
    _move(world, booking, at(world.day, 11), own)
    assert Booking.objects.get(pk=booking.pk).resource_id == own.pk


def test_a_taken_bay_refuses_with_its_code_and_nothing_changes(world: World) -> None:
    booking = _confirmed(world, 10)
    blocker = _confirmed(world, 10)  # the other bay, same time
    assert blocker.resource_id != booking.resource_id
    other = _other_bay(world, booking)
    with pytest.raises(DomainError) as refused:
        _move(world, booking, booking.start, other)
    assert refused.value.code == "taken"
    lines = " ".join(refused.value.detail_lines(str))
    assert blocker.reference in lines
    again = Booking.objects.get(pk=booking.pk)
    assert (again.start, again.resource_id) == (booking.start, booking.resource_id)
    assert not BookingEvent.objects.filter(booking=booking, action="reschedule").exists()


def test_a_closed_bay_refuses_with_resource_closed(world: World) -> None:
    booking = _confirmed(world, 10)
    other = _other_bay(world, booking)
    ClosureFactory.create(
        site=None, resource=other, start=at(world.day, 9), end=at(world.day, 12), reason="Lift"
    )
    with pytest.raises(DomainError) as refused:
        _move(world, booking, booking.start, other)
    assert refused.value.code == "resource_closed"
    assert Booking.objects.get(pk=booking.pk).resource_id == booking.resource_id


def test_a_start_outside_the_hours_refuses_with_its_code(world: World) -> None:
    booking = _confirmed(world, 10)
    with pytest.raises(DomainError) as refused:
        _move(world, booking, at(world.day, 12, 30), _other_bay(world, booking))
    assert refused.value.code == "outside_opening_hours"


def test_only_operators_choose_the_resource(world: World) -> None:
    booking = world.book(10, now=at(world.day, 8) - timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.booking_reschedule(
            booking_id=booking.pk,
            actor=booking.customer,
            start=booking.start,
            resource_pk=_other_bay(world, booking).pk,
            now=at(world.day, 8) - timedelta(days=1),
        )
