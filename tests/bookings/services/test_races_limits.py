"""The vehicle and pending-booking limits hold under real concurrency: threads with their own
PostgreSQL connections race through the booking services; the vehicle's exclusion constraint is
checked on its own too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from bookings import services
from bookings.models import Booking
from tests.bookings.factories import BookingFactory, at, make_world
from tests.bookings.services.test_races import create_job, race_outcomes
from tests.vehicles.factories import VehicleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_no_vehicle_overlap_in_the_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.vehicle_id = b.vehicle_id AND a.id < b.id
             WHERE a.state IN ('pending', 'confirmed', 'in_progress')
               AND b.state IN ('pending', 'confirmed', 'in_progress')
               AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
            """
        )
        assert cursor.fetchone()[0] == 0


def test_one_car_booked_at_once_on_five_free_bays_is_booked_once() -> None:
    world = make_world(resources=5)
    jobs = [create_job(world, world.customer, world.vehicle) for _ in range(5)]
    assert race_outcomes(jobs) == ["ok"] + ["vehicle_already_booked"] * 4
    assert Booking.objects.count() == 1
    assert_no_vehicle_overlap_in_the_database()


def test_a_reschedule_racing_a_new_booking_of_the_same_car_has_one_winner() -> None:
    world = make_world(resources=2)
    moving = create_job(world, world.customer, world.vehicle, hour=9)()
    target = at(world.day, 15)
    reschedule = lambda: services.booking_reschedule(  # noqa: E731
        booking_id=moving.pk, actor=world.customer, start=target, now=target - timedelta(days=3)
    )
    result = race_outcomes([reschedule, create_job(world, world.customer, world.vehicle, 15)])
    assert result == ["ok", "vehicle_already_booked"]
    assert_no_vehicle_overlap_in_the_database()


def test_ten_pending_bookings_grabbed_at_once_by_one_customer_stop_at_three() -> None:
    world = make_world(resources=10)
    vehicles = [world.vehicle] + [VehicleFactory.create(owner=world.customer) for _ in range(9)]
    jobs = [create_job(world, world.customer, vehicle, hour=10) for vehicle in vehicles]
    assert race_outcomes(jobs) == ["ok"] * 3 + ["pending_limit_reached"] * 7
    assert Booking.objects.filter(customer=world.customer, state="pending").count() == 3


def test_the_vehicle_constraint_rejects_an_overlap_made_behind_the_services_back() -> None:
    world = make_world(resources=2)
    start = at(world.day, 10)
    common = {"vehicle": world.vehicle, "service": world.service, "site": world.site}
    BookingFactory.create(
        resource=world.resources[0],
        start=start,
        blocked_until=start + timedelta(minutes=75),  # the bay's clean-up after the car left
        **common,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory.create(
            resource=world.resources[1], start=start + timedelta(minutes=30), **common
        )
    # The car leaves at the end: the bay's clean-up buffer does not hold it.
    BookingFactory.create(resource=world.resources[1], start=start + timedelta(hours=1), **common)
    BookingFactory.create(
        resource=world.resources[1],
        start=start + timedelta(minutes=30),
        state="cancelled",
        **common,
    )
    assert_no_vehicle_overlap_in_the_database()
