"""A vehicle is in one place at a time (two active bookings of one vehicle never overlap), and a
customer holds at most BOOKING_MAX_PENDING_PER_CUSTOMER pending bookings (operators exempt)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pytest_django import Settings

from accounts.models import User
from bookings import services
from bookings.models import Booking
from core.errors import Conflict
from tests.bookings.factories import World, at, make_world
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=3)


def made_at(world: World) -> datetime:
    return at(world.day, 7) - timedelta(days=3)


def book(
    world: World,
    hour: int,
    minute: int = 0,
    *,
    vehicle: Vehicle | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Booking:
    """The vehicle's owner's booking (or `actor`'s for them), made at `made_at` by default."""
    vehicle = vehicle or world.vehicle
    return world.book_for(
        vehicle.owner, vehicle, hour=hour, minute=minute, actor=actor, now=now or made_at(world)
    )


def test_one_vehicle_cannot_hold_two_overlapping_bookings(world: World) -> None:
    first = book(world, 10)
    with pytest.raises(Conflict) as refused:
        book(world, 10, 30)  # another bay is free: the car is not
    assert refused.value.code == "vehicle_already_booked"
    assert refused.value.status == 409
    assert refused.value.details["booking"] == first.reference
    assert Booking.objects.count() == 1
    # Half-open: the next booking of the car may start when the first one ends.
    assert book(world, 11).start == at(world.day, 11)


def test_a_cancelled_booking_gives_the_vehicle_back(world: World) -> None:
    first = book(world, 10)
    services.booking_cancel(
        booking_id=first.pk, actor=world.customer, now=first.start - timedelta(days=2)
    )
    assert book(world, 10, 30).state == "pending"


def test_an_operator_booking_for_the_customer_is_refused_the_same(world: World) -> None:
    book(world, 10)
    with pytest.raises(Conflict) as refused:
        book(world, 9, 30, actor=world.operator)
    assert refused.value.code == "vehicle_already_booked"


def test_a_reschedule_onto_another_booking_of_the_vehicle_is_refused(world: World) -> None:
    book(world, 10)
    other = book(world, 14)
    with pytest.raises(Conflict) as refused:
        services.booking_reschedule(
            booking_id=other.pk,
            actor=world.customer,
            start=at(world.day, 10, 15),
            now=other.start - timedelta(days=3),
        )
    assert refused.value.code == "vehicle_already_booked"
    assert Booking.objects.get(pk=other.pk).start == at(world.day, 14)
    # Its own time does not count: a shift by 30 minutes works.
    moved = services.booking_reschedule(
        booking_id=other.pk,
        actor=world.customer,
        start=at(world.day, 14, 30),
        now=other.start - timedelta(days=3),
    )
    assert moved.start == at(world.day, 14, 30)


def test_a_customer_holds_at_most_three_pending_bookings(world: World) -> None:
    vehicles = [world.vehicle] + [VehicleFactory.create(owner=world.customer) for _ in range(3)]
    made = [book(world, 8 + n, vehicle=vehicle) for n, vehicle in enumerate(vehicles[:3])]
    with pytest.raises(Conflict) as refused:
        book(world, 14, vehicle=vehicles[3])
    assert refused.value.code == "pending_limit_reached"
    assert refused.value.status == 409
    assert refused.value.details == {"limit": 3}
    assert Booking.objects.count() == 3
    # Operators booking for the customer are exempt.
    assert book(world, 15, vehicle=vehicles[3], actor=world.operator).state == "pending"
    # Once one is confirmed, the customer may book again (four pending now: still refused).
    services.booking_confirm(
        booking_id=made[0].pk, actor=world.operator, now=made[0].start - timedelta(days=2)
    )
    with pytest.raises(Conflict):
        book(world, 16, vehicle=vehicles[0])
    services.booking_confirm(
        booking_id=made[1].pk, actor=world.operator, now=made[1].start - timedelta(days=2)
    )
    assert book(world, 16, vehicle=vehicles[0]).state == "pending"


def test_a_pending_booking_past_its_confirmation_deadline_no_longer_counts(
    world: World,
) -> None:
    """One that the expiry job has not reached yet is not held against the customer."""
    vehicles = [world.vehicle] + [VehicleFactory.create(owner=world.customer) for _ in range(3)]
    for n, vehicle in enumerate(vehicles[:3]):
        book(world, 8 + n, vehicle=vehicle)
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    with pytest.raises(Conflict):
        book(world, 14, vehicle=vehicles[3], now=made_at(world) + window - timedelta(seconds=1))
    assert book(world, 14, vehicle=vehicles[3], now=made_at(world) + window).state == "pending"


def test_the_limit_is_a_setting(world: World, settings: Settings) -> None:
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 1
    book(world, 10)
    with pytest.raises(Conflict) as refused:
        book(world, 14)
    assert refused.value.details == {"limit": 1}


def test_bookings_confirmed_at_once_are_not_pending() -> None:
    world = make_world(resources=1, auto_confirm=True)
    for hour in (8, 9, 10, 11):
        assert book(world, hour).state == "confirmed"
