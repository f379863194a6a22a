"""Every change of a booking writes its domain event in the same transaction (docs/rules/
events.md): the type, the booking as the change left it, who acted and what the event says.
The e-mails are consumers of those events: one per event and customer, saying what the event
said (even when the booking changed again since); a pending booking that expires is told too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from bookings import services
from bookings.models import Booking
from core import dispatch
from core.models import EmailNotification, OutboxEvent
from tests.bookings.factories import World, at, make_world
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def committed(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Any:
    """Runs a use case as if its transaction committed (the consumers run after it)."""

    def run(call: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def book(
    world: World, hour: int = 10, *, customer: User | None = None, vehicle: Vehicle | None = None
) -> Booking:
    """Booked three days before its start."""
    now = at(world.day, hour) - timedelta(days=3)
    return world.book_for(customer, vehicle, hour=hour, now=now)


def types_of(booking: Booking) -> list[str]:
    return [e.type for e in dispatch.events_of("booking", [str(booking.public_id)])]


def last_event(booking: Booking) -> dispatch.Event:
    return dispatch.events_of("booking", [str(booking.public_id)])[-1]


def test_created_event_carries_the_booking_and_sends_the_received_email(
    world: World, committed: Any
) -> None:
    booking = committed(book, world)
    event = last_event(booking)
    assert event.type == "booking.created"
    assert event.schema_version == 1
    assert event.occurred_at == booking.created_at
    assert event.payload == {
        "booking": {
            "id": str(booking.public_id),
            "reference": booking.reference,
            "state": "pending",
            "start": booking.start.isoformat(),
            "end": booking.end.isoformat(),
            "service_name": "Full wash",
            "vehicle_plate": booking.vehicle_plate,
            "vehicle_category": booking.vehicle_category,
            "total": "50.00",
            "currency": "EUR",
            "fee": None,
            "calendar_sequence": 0,
        },
        "actor_role": "customer",
    }
    assert [m.subject for m in mail.outbox] == [f"Booking {booking.reference} received"]
    notification = EmailNotification.objects.get()
    assert (notification.kind, notification.status) == ("booking_created", "sent")
    assert notification.recipient == world.customer.email


def test_a_change_that_rolls_back_writes_no_event(world: World, committed: Any) -> None:
    class Boom(Exception):
        pass

    def fails() -> None:
        with transaction.atomic():
            book(world)
            raise Boom()

    with pytest.raises(Boom):
        committed(fails)
    assert not OutboxEvent.objects.exists()
    assert not Booking.objects.exists()
    assert mail.outbox == []


def test_auto_confirm_writes_created_and_confirmed_and_sends_one_email(committed: Any) -> None:
    world = make_world(auto_confirm=True)
    booking = committed(book, world)
    assert types_of(booking) == ["booking.created", "booking.confirmed"]
    confirmed = last_event(booking)
    assert confirmed.payload["auto"] is True
    assert confirmed.payload["actor_role"] == "system"
    assert [m.subject for m in mail.outbox] == [f"Booking {booking.reference} confirmed"]


def test_the_whole_life_writes_one_event_per_change(world: World, committed: Any) -> None:
    booking = committed(book, world)
    start = booking.start
    operator = world.operator
    committed(
        services.booking_confirm,
        booking_id=booking.pk,
        actor=operator,
        now=start - timedelta(days=2),
    )
    committed(
        services.booking_update_notes,
        booking_id=booking.pk,
        actor=operator,
        operator_note="VIP",
        now=start - timedelta(days=2),
    )
    # The same note again changes nothing, and says nothing.
    committed(
        services.booking_update_notes, booking_id=booking.pk, actor=operator, operator_note="VIP"
    )
    committed(
        services.booking_start,
        booking_id=booking.pk,
        actor=operator,
        now=start - timedelta(minutes=5),
    )
    committed(
        services.booking_complete,
        booking_id=booking.pk,
        actor=operator,
        now=start + timedelta(minutes=50),
    )
    committed(
        services.booking_rate,
        booking_id=booking.pk,
        actor=world.customer,
        stars=4,
        comment="Good",
        now=start + timedelta(days=1),
    )
    assert types_of(booking) == [
        "booking.created",
        "booking.confirmed",
        "booking.notes_changed",
        "booking.started",
        "booking.completed",
        "booking.rated",
    ]
    events = {e.type: e for e in dispatch.events_of("booking", [str(booking.public_id)])}
    assert events["booking.notes_changed"].payload["changed"] == ["operator_note"]
    assert "VIP" not in str(events["booking.notes_changed"].payload)  # staff-only text
    assert events["booking.started"].payload["booking"]["state"] == "in_progress"
    assert events["booking.started"].payload["actor_role"] == "operator"
    assert (
        events["booking.rated"].payload["stars"],
        events["booking.rated"].payload["comment"],
    ) == (4, "Good")
    # E-mails: created, confirmed, completed (starting, notes and ratings say nothing).
    reference = booking.reference
    assert [m.subject for m in mail.outbox] == [
        f"Booking {reference} received",
        f"Booking {reference} confirmed",
        f"Booking {reference} completed – how did we do?",
    ]


def test_cancelled_event_and_email_state_the_fee(world: World, committed: Any) -> None:
    booking = book(world)
    committed(
        services.booking_confirm,
        booking_id=booking.pk,
        actor=world.operator,
        now=booking.start - timedelta(days=2),
    )
    mail.outbox.clear()
    committed(
        services.booking_cancel,
        booking_id=booking.pk,
        actor=world.customer,
        now=booking.start - timedelta(hours=3),
    )
    event = last_event(booking)
    assert event.type == "booking.cancelled"
    assert event.payload["booking"]["fee"] == "25.00"
    assert (event.payload["fee_percent"], event.payload["from_state"]) == ("50", "confirmed")
    (message,) = mail.outbox
    assert "25.00 EUR" in message.body


def test_no_show_event_carries_the_fee(world: World, committed: Any) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=1)
    )
    committed(
        services.booking_no_show,
        booking_id=booking.pk,
        actor=world.operator,
        now=booking.start + timedelta(minutes=20),
    )
    event = last_event(booking)
    assert (event.type, event.payload["booking"]["fee"]) == ("booking.no_show", "50.00")


def test_rescheduled_email_says_from_when_to_when_even_if_sent_later(
    world: World, committed: Any, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    booking = book(world)
    old_start = booking.start
    # The e-mails are rendered when the worker gets to them: here after a second move.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.booking_reschedule(
            booking_id=booking.pk,
            actor=world.customer,
            start=at(world.day, 14),
            now=old_start - timedelta(days=2),
        )
    services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.customer,
        start=at(world.day, 16),
        now=old_start - timedelta(days=2),
    )
    first = next(
        e
        for e in dispatch.events_of("booking", [str(booking.public_id)])
        if e.type == "booking.rescheduled"
    )
    assert first.payload["previous_start"] == old_start.isoformat()
    assert datetime.fromisoformat(first.payload["booking"]["start"]) == at(world.day, 14)
    mail.outbox.clear()
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert "14:00" in message.body  # what that change said, not where the booking is now
    assert "16:00" not in message.body


def test_expiry_tells_the_customer_in_their_language(world: World, committed: Any) -> None:
    world.customer.language = "fr"
    world.customer.save()
    booking = book(world)
    mail.outbox.clear()
    window = timedelta(minutes=world.site.confirmation_window_minutes)
    assert committed(services.bookings_expire_due, now=booking.created_at + window) == 1
    event = last_event(booking)
    assert (event.type, event.payload["actor_role"]) == ("booking.expired", "system")
    (message,) = mail.outbox
    assert message.subject == f"Réservation {booking.reference} expirée"
    assert "expiré" in message.body
    (_name, content, mimetype) = message.attachments[0]
    assert "method=CANCEL" in mimetype
    assert "STATUS:CANCELLED" in str(content)


def test_the_reminder_is_an_internal_event(world: World, committed: Any) -> None:
    booking = book(world)
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=2)
    )
    mail.outbox.clear()
    assert committed(services.bookings_send_reminders, now=booking.start - timedelta(hours=23)) == 1
    assert last_event(booking).type == "booking.reminder_due"
    assert "booking.reminder_due" not in dispatch.public_event_types()
    assert "Reminder" in mail.outbox[0].subject


def test_every_public_booking_event_type_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "rules" / "events.md").read_text()
    for name in dispatch.public_event_types():
        if name.startswith("booking."):
            assert f"`{name}`" in text, name
