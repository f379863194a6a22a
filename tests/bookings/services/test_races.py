"""No double booking, ever: real threads with their own PostgreSQL connections race through the
booking services; the database's exclusion constraint is checked on its own too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from bookings import services
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.factories import BookingFactory, World, at, make_world
from tests.concurrency import outcomes, race
from vehicles.models import Vehicle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race_outcomes(jobs: list[Callable[[], Any]]) -> list[str]:
    return outcomes(race(*jobs))


def create_job(
    world: World, customer: User, vehicle: Vehicle, hour: int = 10
) -> Callable[[], Booking]:
    start = at(world.day, hour)
    request = services.BookingRequest(
        vehicle_id=vehicle.public_id,
        service_code=world.service.code,
        site_id=world.site.public_id,
        start=start,
    )
    return lambda: services.booking_create(
        actor=customer, request=request, now=start - timedelta(days=3)
    )


# A loser either read the start free and lost it to the winner's lock (slot_unavailable, the lost
# race) or read it after the winner committed (taken: a precise refusal, issue 12).
LOST = {"slot_unavailable", "taken"}


def assert_no_overlap_in_the_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             WHERE a.state IN ('pending', 'confirmed', 'in_progress')
               AND b.state IN ('pending', 'confirmed', 'in_progress')
               AND tstzrange(a.start, a.blocked_until, '[)')
                   && tstzrange(b.start, b.blocked_until, '[)')
            """
        )
        assert cursor.fetchone()[0] == 0


def test_twenty_clients_racing_for_one_slot_make_exactly_one_booking() -> None:
    world = make_world(resources=1)
    jobs = [create_job(world, *world.new_customer()) for _ in range(20)]
    result = race_outcomes(jobs)
    assert result[:1] == ["ok"]
    assert set(result[1:]) <= LOST  # 19 refusals
    assert Booking.objects.count() == 1
    assert_no_overlap_in_the_database()


def test_three_free_resources_and_ten_clients_make_exactly_three_bookings() -> None:
    world = make_world(resources=3)
    result = race_outcomes([create_job(world, *world.new_customer()) for _ in range(10)])
    assert result[:3] == ["ok"] * 3
    assert len(result) == 10
    assert set(result[3:]) <= LOST
    assert sorted(Booking.objects.values_list("resource__name", flat=True)) == [
        "Bay 1",
        "Bay 2",
        "Bay 3",
    ]
    assert_no_overlap_in_the_database()


def test_a_reschedule_racing_a_new_booking_for_the_same_slot_has_one_winner() -> None:
    world = make_world(resources=1)
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    moving = create_job(world, world.customer, world.vehicle, hour=9)()
    target = at(world.day, 15)
    reschedule = lambda: services.booking_reschedule(  # noqa: E731
        booking_id=moving.pk, actor=operator, start=target, now=target - timedelta(days=3)
    )
    result = race_outcomes([reschedule, create_job(world, *world.new_customer(), hour=15)])
    assert result[0] == "ok"
    assert result[1] in LOST
    assert Booking.objects.filter(start=target).count() == 1
    assert_no_overlap_in_the_database()


def test_confirm_racing_cancel_is_serialised_never_a_lost_update() -> None:
    """Confirm then cancel is a legal sequence, cancel then confirm is not: whichever order the
    database picks, the outcome is one of those two, never a confirmed booking that was also
    cancelled or a history that disagrees with the state."""
    world = make_world(resources=1)
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    for hour in (8, 9, 10, 11, 14, 15):
        customer, vehicle = world.new_customer()
        booking = create_job(world, customer, vehicle, hour=hour)()
        now = booking.start - timedelta(days=2)
        confirm_first, cancel_first = ["ok", "ok"], ["invalid_transition", "ok"]
        confirm = partial(services.booking_confirm, booking_id=booking.pk, actor=operator, now=now)
        cancel = partial(services.booking_cancel, booking_id=booking.pk, actor=customer, now=now)
        result = race_outcomes([confirm, cancel])
        booking.refresh_from_db()
        history = [e.action for e in booking.events.order_by("at", "pk")]
        assert booking.state == "cancelled"
        if result == confirm_first:
            assert history == ["create", "confirm", "cancel"]
        else:
            assert result == cancel_first
            assert history == ["create", "cancel"]
            assert booking.confirmed_at is None


def test_two_operators_confirming_at_once_one_wins_the_other_is_409() -> None:
    world = make_world(resources=1)
    operators = [UserFactory.create(is_staff=True, is_superuser=True) for _ in range(2)]
    booking = create_job(world, world.customer, world.vehicle)()
    now = booking.start - timedelta(days=2)
    result = race_outcomes(
        [
            partial(services.booking_confirm, booking_id=booking.pk, actor=o, now=now)
            for o in operators
        ]
    )
    assert result == ["invalid_transition", "ok"]
    assert booking.events.filter(action="confirm").count() == 1


def test_the_exclusion_constraint_rejects_an_overlap_made_behind_the_services_back() -> None:
    world = make_world(resources=1)
    start = at(world.day, 10)
    common = {"vehicle": world.vehicle, "service": world.service, "site": world.site}
    BookingFactory.create(resource=world.resources[0], start=start, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory.create(
            resource=world.resources[0], start=start + timedelta(minutes=30), **common
        )
    # Half-open ranges: a booking may start exactly when the previous one's blocked time ends.
    BookingFactory.create(resource=world.resources[0], start=start + timedelta(hours=1), **common)
    # Inactive bookings do not block.
    BookingFactory.create(
        resource=world.resources[0],
        start=start + timedelta(minutes=30),
        state="cancelled",
        **common,
    )
    assert_no_overlap_in_the_database()
