"""No double booking, ever: real threads with their own PostgreSQL connections race through the
booking services; the database's exclusion constraint is checked on its own too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from bookings import services
from bookings.models import Booking
from core.errors import DomainError
from tests.accounts.factories import UserFactory
from tests.bookings.factories import BookingFactory, at, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(jobs: list[Callable[[], Any]]) -> list[str]:
    """Runs the jobs at the same instant, one thread and connection each; returns their outcomes:
    "ok" or the refusal's code."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # anything else is a bug the assertion must show
            outcome = f"crash: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def create_job(world, customer, vehicle, hour: int = 10) -> Callable[[], Any]:
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
    outcomes = race(jobs)
    assert outcomes == ["ok"] + ["slot_unavailable"] * 19
    assert Booking.objects.count() == 1
    assert_no_overlap_in_the_database()


def test_three_free_resources_and_ten_clients_make_exactly_three_bookings() -> None:
    world = make_world(resources=3)
    outcomes = race([create_job(world, *world.new_customer()) for _ in range(10)])
    assert outcomes == ["ok"] * 3 + ["slot_unavailable"] * 7
    assert sorted(Booking.objects.values_list("resource__name", flat=True)) == [
        "Bay 1",
        "Bay 2",
        "Bay 3",
    ]
    assert_no_overlap_in_the_database()


def test_a_reschedule_racing_a_new_booking_for_the_same_slot_has_one_winner() -> None:
    world = make_world(resources=1)
    operator = UserFactory(is_staff=True, is_superuser=True)
    moving = create_job(world, world.customer, world.vehicle, hour=9)()
    target = at(world.day, 15)
    reschedule = lambda: services.booking_reschedule(  # noqa: E731
        booking_id=moving.pk, actor=operator, start=target, now=target - timedelta(days=3)
    )
    outcomes = race([reschedule, create_job(world, *world.new_customer(), hour=15)])
    assert outcomes == ["ok", "slot_unavailable"]
    assert Booking.objects.filter(start=target).count() == 1
    assert_no_overlap_in_the_database()


def test_confirm_racing_cancel_one_wins_the_other_is_refused() -> None:
    world = make_world(resources=1)
    operator = UserFactory(is_staff=True, is_superuser=True)
    booking = create_job(world, world.customer, world.vehicle)()
    now = booking.start - timedelta(days=2)
    outcomes = race(
        [
            lambda: services.booking_confirm(booking_id=booking.pk, actor=operator, now=now),
            lambda: services.booking_cancel(booking_id=booking.pk, actor=world.customer, now=now),
        ]
    )
    assert outcomes == ["invalid_transition", "ok"]
    booking.refresh_from_db()
    assert booking.state in {"confirmed", "cancelled"}
    assert [e.action for e in booking.events.order_by("at", "pk")][-1] in {"confirm", "cancel"}
    assert booking.events.count() == 2  # create + the winner


def test_the_exclusion_constraint_rejects_an_overlap_made_behind_the_services_back() -> None:
    world = make_world(resources=1)
    start = at(world.day, 10)
    common = {"vehicle": world.vehicle, "service": world.service, "site": world.site}
    BookingFactory(resource=world.resources[0], start=start, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(resource=world.resources[0], start=start + timedelta(minutes=30), **common)
    # Half-open ranges: a booking may start exactly when the previous one's blocked time ends.
    BookingFactory(resource=world.resources[0], start=start + timedelta(hours=1), **common)
    # Inactive bookings do not block.
    BookingFactory(
        resource=world.resources[0],
        start=start + timedelta(minutes=30),
        state="cancelled",
        **common,
    )
    assert_no_overlap_in_the_database()
