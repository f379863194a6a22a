"""The booking use cases on the database: what customers and operators see happen."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from bookings import services
from bookings.domain.errors import InvalidTransition
from bookings.models import Booking, BookingEvent
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.accounts.factories import UserFactory
from tests.bookings.factories import BookingFactory, World, at, make_world
from tests.pricing.factories import PromoCodeFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def book(
    world: World,
    hour: int = 10,
    *,
    customer: User | None = None,
    vehicle: Vehicle | None = None,
    now: datetime | None = None,
    **kwargs: Any,
) -> Booking:
    """Booked three days before its start unless `now` says otherwise."""
    start = at(world.day, hour)
    return world.book_for(
        customer, vehicle, hour=hour, now=now or start - timedelta(days=3), **kwargs
    )


def events(booking: Booking) -> list[tuple[str, str, str]]:
    return list(
        BookingEvent.objects.filter(booking=booking)
        .order_by("at", "pk")
        .values_list("action", "from_state", "to_state")
    )


def test_a_customer_books_a_free_slot(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(world)
    assert booking.state == "pending"
    assert booking.reference.startswith("BK-")
    assert booking.resource_id == world.resources[0].pk
    assert booking.end - booking.start == timedelta(minutes=60)
    assert booking.total == Decimal("50.00")
    assert booking.price_snapshot["total"] == "50.00"
    assert booking.vehicle_plate == world.vehicle.plate
    assert events(booking) == [("create", "", "pending")]
    assert [m.subject for m in mail.outbox] == [f"Booking {booking.reference} received"]


def test_auto_confirm_sites_confirm_at_once() -> None:
    world = make_world(auto_confirm=True)
    booking = book(world)
    assert booking.state == "confirmed"
    assert events(booking) == [("create", "", "pending"), ("confirm", "pending", "confirmed")]


def test_a_taken_slot_goes_to_the_next_free_resource_then_refuses() -> None:
    world = make_world(resources=2)
    first = book(world)
    other_customer, other_vehicle = world.new_customer()
    second = book(world, customer=other_customer, vehicle=other_vehicle)
    assert {first.resource_id, second.resource_id} == {r.pk for r in world.resources}
    third_customer, third_vehicle = world.new_customer()
    with pytest.raises(Conflict, match="booked at that time") as excinfo:
        book(world, customer=third_customer, vehicle=third_vehicle)
    assert excinfo.value.code == "taken"  # every bay is booked (issue 12; not a lost race)
    assert excinfo.value.status == 409
    assert Booking.objects.count() == 2


def test_price_changed_answers_with_the_new_quote(world: World) -> None:
    with pytest.raises(Conflict) as excinfo:
        book(world, expected_total=Decimal("45.00"))
    assert excinfo.value.code == "price_changed"
    assert excinfo.value.details["quote"]["total"] == "50.00"
    assert not Booking.objects.exists()
    assert book(world, expected_total=Decimal("50.00")).total == Decimal("50.00")


def test_another_customers_vehicle_cannot_be_booked(world: World) -> None:
    intruder = UserFactory.create()
    with pytest.raises(NotFound):
        book(world, customer=intruder)


def test_a_closed_hour_is_refused(world: World) -> None:
    with pytest.raises(Conflict, match="opening hours") as excinfo:
        book(world, hour=12)  # lunch break 12:00-13:30
    assert excinfo.value.code == "outside_opening_hours"


def test_the_full_happy_path_with_history(world: World) -> None:
    booking = book(world)
    start = booking.start
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=start - timedelta(days=1)
    )
    services.booking_start(
        booking_id=booking.pk, actor=world.operator, now=start - timedelta(minutes=5)
    )
    services.booking_complete(
        booking_id=booking.pk, actor=world.operator, now=start + timedelta(minutes=55)
    )
    rated = services.booking_rate(
        booking_id=booking.pk,
        actor=world.customer,
        stars=5,
        comment="Spotless",
        now=start + timedelta(days=2),
    )
    assert rated.state == "completed"
    assert rated.rating == 5
    assert [e[0] for e in events(booking)] == ["create", "confirm", "start", "complete", "rate"]
    with pytest.raises(Conflict):
        services.booking_rate(
            booking_id=booking.pk, actor=world.customer, stars=4, now=start + timedelta(days=3)
        )


def test_customer_cancels_three_hours_before_and_pays_half(world: World) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=1)
    )
    cancelled = services.booking_cancel(
        booking_id=booking.pk, actor=world.customer, now=booking.start - timedelta(hours=3)
    )
    assert cancelled.state == "cancelled"
    assert cancelled.fee == Decimal("25.00")
    assert cancelled.cancelled_by == world.customer
    # The slot is free again.
    other_customer, other_vehicle = world.new_customer()
    assert (
        book(world, customer=other_customer, vehicle=other_vehicle).resource_id
        == booking.resource_id
    )


def test_operator_cancellation_needs_a_reason_and_is_free(world: World) -> None:
    booking = book(world)
    with pytest.raises(ValidationFailed):
        services.booking_cancel(booking_id=booking.pk, actor=world.operator, reason=" ")
    cancelled = services.booking_cancel(
        booking_id=booking.pk, actor=world.operator, reason="Bay flooded", now=booking.start
    )
    assert cancelled.fee == Decimal("0.00")
    assert events(booking)[-1] == ("cancel", "pending", "cancelled")


def test_a_state_that_refuses_is_invalid_transition(world: World) -> None:
    booking = book(world)
    with pytest.raises(InvalidTransition) as excinfo:
        services.booking_complete(booking_id=booking.pk, actor=world.operator)
    assert excinfo.value.details["state"] == "pending"
    booking.refresh_from_db()
    assert booking.state == "pending"


def test_a_customer_cannot_confirm(world: World) -> None:
    booking = book(world)
    with pytest.raises(PermissionDenied):
        services.booking_confirm(
            booking_id=booking.pk, actor=world.customer, now=booking.start - timedelta(days=1)
        )


def test_strangers_do_not_see_the_booking(world: World) -> None:
    booking = book(world)
    with pytest.raises(NotFound):
        services.booking_cancel(booking_id=booking.pk, actor=UserFactory.create())


def test_the_assigned_technician_starts_and_completes_others_cannot(world: World) -> None:
    technician = UserFactory.create(roles=["technician"])
    world.resources[0].technician = technician
    world.resources[0].save()
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=1)
    )
    with pytest.raises(NotFound):
        services.booking_start(
            booking_id=booking.pk, actor=UserFactory.create(roles=["technician"]), now=booking.start
        )
    services.booking_start(booking_id=booking.pk, actor=technician, now=booking.start)
    done = services.booking_complete(booking_id=booking.pk, actor=technician, now=booking.end)
    assert done.state == "completed"


def test_customer_reschedule_of_a_confirmed_booking_needs_confirming_again(world: World) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=2)
    )
    moved = services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.customer,
        start=at(world.day, 15),
        now=booking.start - timedelta(days=2),
    )
    assert moved.state == "pending"
    assert moved.start == at(world.day, 15)
    assert moved.end == at(world.day, 16)
    assert moved.total == booking.total


def test_customer_reschedule_needs_24_hours_notice_operator_does_not(world: World) -> None:
    booking = book(world)
    with pytest.raises(Conflict) as excinfo:
        services.booking_reschedule(
            booking_id=booking.pk,
            actor=world.customer,
            start=at(world.day, 15),
            now=booking.start - timedelta(hours=23),
        )
    assert excinfo.value.code == "reschedule_too_late"
    moved = services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.operator,
        start=at(world.day, 15),
        now=booking.start - timedelta(hours=1),
    )
    assert moved.start == at(world.day, 15)


def test_reschedule_into_its_own_slot_shifted_by_half_an_hour_works(world: World) -> None:
    """The booking's own blocked time does not stand in its way."""
    booking = book(world)
    moved = services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.operator,
        start=at(world.day, 10, 30),
        now=booking.start - timedelta(days=1),
    )
    assert moved.start == at(world.day, 10, 30)


def test_reschedule_onto_a_taken_slot_is_refused_and_changes_nothing(world: World) -> None:
    booking = book(world)
    other_customer, other_vehicle = world.new_customer()
    book(world, hour=15, customer=other_customer, vehicle=other_vehicle)
    with pytest.raises(Conflict, match="booked at that time"):
        services.booking_reschedule(
            booking_id=booking.pk,
            actor=world.operator,
            start=at(world.day, 15),
            now=booking.start - timedelta(days=1),
        )
    booking.refresh_from_db()
    assert booking.start == at(world.day, 10)


def test_no_show_from_fifteen_minutes_after_start_costs_everything(world: World) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=1)
    )
    with pytest.raises(Conflict):
        services.booking_no_show(
            booking_id=booking.pk, actor=world.operator, now=booking.start + timedelta(minutes=10)
        )
    marked = services.booking_no_show(
        booking_id=booking.pk, actor=world.operator, now=booking.start + timedelta(minutes=15)
    )
    assert marked.state == "no_show"
    assert marked.fee == Decimal("50.00")


def test_promo_is_redeemed_on_booking_and_released_when_a_pending_booking_is_cancelled(
    world: World,
) -> None:
    promo = PromoCodeFactory.create(
        code="WELCOME", kind="percent", value=Decimal("10.00"), max_redemptions=1
    )
    booking = book(world, promo_code="welcome")
    assert booking.total == Decimal("45.00")
    promo.refresh_from_db()
    assert promo.redemptions_count == 1
    services.booking_cancel(
        booking_id=booking.pk, actor=world.customer, now=booking.start - timedelta(days=2)
    )
    promo.refresh_from_db()
    assert promo.redemptions_count == 0


def test_expiry_job_expires_only_what_is_due(world: World) -> None:
    pending = book(world, now=at(world.day, 10) - timedelta(days=3))
    other_customer, other_vehicle = world.new_customer()
    confirmed = book(
        world,
        hour=15,
        customer=other_customer,
        vehicle=other_vehicle,
        now=at(world.day, 15) - timedelta(days=3),
    )
    services.booking_confirm(
        booking_id=confirmed.pk, actor=world.operator, now=confirmed.created_at
    )
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    assert services.bookings_expire_due(now=pending.created_at + window - timedelta(seconds=1)) == 0
    assert services.bookings_expire_due(now=pending.created_at + window) == 1
    assert services.bookings_expire_due(now=pending.created_at + window) == 0  # idempotent
    pending.refresh_from_db()
    confirmed.refresh_from_db()
    assert (pending.state, confirmed.state) == ("expired", "confirmed")
    assert events(pending)[-1] == ("expire", "pending", "expired")


def test_reminders_are_sent_once_a_day_ahead(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=2)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders(now=booking.start - timedelta(hours=25)) == 0
        assert services.bookings_send_reminders(now=booking.start - timedelta(hours=23)) == 1
        assert services.bookings_send_reminders(now=booking.start - timedelta(hours=22)) == 0
    assert len(mail.outbox) == 1
    assert "Reminder" in mail.outbox[0].subject


def test_a_vehicle_with_an_active_booking_cannot_be_archived(world: World) -> None:
    from vehicles import services as vehicle_services

    book(world)
    with pytest.raises(Conflict) as excinfo:
        vehicle_services.vehicle_archive(vehicle_id=world.vehicle.public_id, actor=world.customer)
    assert excinfo.value.code == "vehicle_has_active_booking"


def test_busy_time_blocks_availability_for_others(world: World) -> None:
    from pricing import public as pricing
    from scheduling import public as scheduling

    booking = book(world)
    requirements = pricing.service_requirements(service_code=world.service.code, category="small")

    def free() -> list[str]:
        ranked = scheduling.ranked_free_resources(
            site=scheduling.bookable_site(pk=world.site.pk),
            requirements=requirements,
            start=booking.start,
            now=booking.start - timedelta(days=3),
        )
        return [r.name for r in ranked]

    assert free() == []
    ResourceFactory.create(site=world.site, name="Bay 9")
    assert free() == ["Bay 9"]


def test_a_customer_reschedule_back_to_pending_gets_a_fresh_confirmation_window(
    world: World,
) -> None:
    """The window runs from when the booking became pending again, not from its creation: the
    expiry run a minute after the old window closes leaves it (and its promo) alone."""
    promo = PromoCodeFactory.create(code="SPRING10", kind="percent", value=Decimal("10"))
    made = at(world.day, 10) - timedelta(days=5)
    booking = book(world, now=made, promo_code="SPRING10")
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=made + timedelta(minutes=10)
    )
    moved_at = made + timedelta(minutes=100)
    services.booking_reschedule(
        booking_id=booking.pk, actor=world.customer, start=at(world.day, 15), now=moved_at
    )
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    assert services.bookings_expire_due(now=made + window + timedelta(minutes=1)) == 0
    assert services.bookings_expire_due(now=moved_at + window - timedelta(seconds=1)) == 0
    assert Booking.objects.get(pk=booking.pk).state == "pending"
    promo.refresh_from_db()
    assert promo.redemptions_count == 1
    assert services.bookings_expire_due(now=moved_at + window) == 1
    assert Booking.objects.get(pk=booking.pk).state == "expired"


def test_a_pending_booking_moved_while_pending_keeps_its_window(world: World) -> None:
    made = at(world.day, 10) - timedelta(days=5)
    booking = book(world, now=made)
    services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.customer,
        start=at(world.day, 15),
        now=made + timedelta(minutes=100),
    )
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    assert services.bookings_expire_due(now=made + window) == 1


@pytest.mark.parametrize(
    ("state", "ends", "refused"),
    [
        ("confirmed", timedelta(hours=-1), False),  # never started nor marked no-show: stale
        ("pending", timedelta(days=-2), False),  # the expiry job has not reached it yet
        ("confirmed", timedelta(minutes=10), True),  # under way on the clock
        ("pending", timedelta(days=2), True),
        ("in_progress", timedelta(hours=-3), True),  # the car is in the workshop until completed
        ("completed", timedelta(days=2), False),
    ],
)
def test_only_a_booking_not_yet_over_keeps_a_vehicle_from_being_archived(
    world: World, state: str, ends: timedelta, refused: bool
) -> None:
    from vehicles import services as vehicle_services

    now = at(world.day, 12)
    BookingFactory.create(
        vehicle=world.vehicle,
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=now + ends - timedelta(hours=1),
        state=state,
    )

    def archive() -> Vehicle:
        return vehicle_services.vehicle_archive(
            vehicle_id=world.vehicle.public_id, actor=world.customer, now=now
        )

    if refused:
        with pytest.raises(Conflict) as excinfo:
            archive()
        assert excinfo.value.code == "vehicle_has_active_booking"
    else:
        assert archive().is_archived


def test_a_reschedule_records_from_where_to_where() -> None:
    world = make_world(resources=2)
    booking = book(world)  # 10:00 on Bay 1
    bay1, bay2 = world.resources
    ClosureFactory.create(site=None, resource=bay1, start=at(world.day, 15), end=at(world.day, 16))
    services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.customer,
        start=at(world.day, 15),
        now=booking.start - timedelta(days=3),
    )
    event = BookingEvent.objects.filter(booking=booking, action="reschedule").get()
    assert event.details == {
        "from": at(world.day, 10).isoformat(),
        "to": at(world.day, 15).isoformat(),
        "from_resource": {"id": str(bay1.public_id), "name": "Bay 1"},
        "to_resource": {"id": str(bay2.public_id), "name": "Bay 2"},
    }
