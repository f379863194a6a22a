"""Resource assignment: among the free resources, the fewest booked minutes that local day, where
every booking that held the resource that day counts (in progress, completed and no-show too;
cancelled and expired ones gave their time back)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.models import Booking
from tests.bookings.factories import BookingFactory, World, at, make_world

pytestmark = pytest.mark.django_db


def held(world: World, bay: int, hour: int, hours: int, state: str) -> None:
    _customer, vehicle = world.new_customer()
    start = at(world.day, hour)
    BookingFactory.create(
        vehicle=vehicle,
        service=world.service,
        site=world.site,
        resource=world.resources[bay],
        start=start,
        end=start + timedelta(hours=hours),
        state=state,
    )


def book_at_four(world: World, now_hour: int = 13) -> Booking:
    return world.book(16, now=at(world.day, now_hour))


def test_work_already_done_that_day_counts() -> None:
    world = make_world(resources=2)
    held(world, 0, 8, 2, "completed")  # Bay 1: 2 h done, 1 h no-show, 30 min in progress
    held(world, 0, 10, 1, "no_show")
    BookingFactory.create(
        vehicle=world.new_customer()[1],
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=at(world.day, 11, 30),
        end=at(world.day, 12),
        state="in_progress",
    )
    held(world, 1, 14, 1, "confirmed")  # Bay 2: 1 h still to come
    assert book_at_four(world).resource_id == world.resources[1].pk


def test_cancelled_and_expired_bookings_gave_their_time_back() -> None:
    world = make_world(resources=2)
    held(world, 0, 8, 3, "cancelled")  # Bay 1: nothing held
    held(world, 0, 13, 2, "expired")
    held(world, 1, 8, 1, "completed")  # Bay 2: 1 h
    assert book_at_four(world).resource_id == world.resources[0].pk


def test_another_days_work_does_not_count() -> None:
    world = make_world(resources=2)
    BookingFactory.create(
        vehicle=world.new_customer()[1],
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=at(world.day, 10) - timedelta(days=1),
        state="completed",
    )
    held(world, 1, 8, 1, "completed")
    assert book_at_four(world).resource_id == world.resources[0].pk


def test_a_no_show_counts_as_booked_time_but_frees_its_slot() -> None:
    world = make_world(resources=2)
    held(world, 0, 16, 1, "no_show")  # Bay 1, at the very start asked for
    assert book_at_four(world, now_hour=16).resource_id == world.resources[1].pk
    # Bay 2 is now taken at 16:00: the no-show's bay takes the next one.
    assert book_at_four(world, now_hour=16).resource_id == world.resources[0].pk


def test_the_vehicles_own_work_done_at_that_time_counts_but_does_not_book_it() -> None:
    # The day's held time of the site's resources comes in the same read as the vehicle's and
    # the customer's bookings (issue 16): a no-show of this very vehicle at this very time is
    # booked time on its bay, not a booking of the vehicle (it is done with).
    world = make_world(resources=2)
    BookingFactory.create(
        vehicle=world.vehicle,
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=at(world.day, 16),
        state="no_show",
    )
    booking = world.book_for(hour=16, now=at(world.day, 13))
    assert booking.state == "pending"
    assert booking.resource_id == world.resources[1].pk  # Bay 1 has the no-show's hour
