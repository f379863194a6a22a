"""The calendar event follows the booking: one UID for its whole life, SEQUENCE up on each change
a calendar must take (confirmation, reschedule, cancellation), STATUS:CANCELLED once cancelled;
the reschedule and cancellation e-mails carry the updated event (METHOD:CANCEL for a
cancellation), like the confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from accounts.models import User
from bookings import services
from bookings.models import Booking
from tests.bookings.factories import World, at, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=1)


def _event(raw: bytes) -> tuple[Any, Any]:
    calendar = icalendar.Calendar.from_ical(raw)
    return calendar, next(iter(calendar.walk("VEVENT")))


def _attached(message: Any) -> tuple[Any, Any]:
    (name, content, mimetype), *_rest = message.attachments
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return _event(content if isinstance(content, bytes) else content.encode())


def _download(client_for: Callable[[User], APIClient], booking: Booking) -> tuple[Any, Any]:
    client = client_for(booking.customer)
    response = client.get(f"/api/v1/bookings/{booking.public_id}/calendar.ics")
    assert response.status_code == 200
    return _event(response.content)


def test_the_event_follows_the_booking_through_its_life(
    world: World,
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    made = at(world.day, 10) - timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        booking = world.book(10, now=made)
    customer = booking.customer
    _calendar, pending = _download(client_for, booking)
    uid = str(pending["uid"])
    assert str(pending["status"]) == "TENTATIVE"

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking_id=booking.pk, actor=world.operator, now=made)
    calendar, confirmed = _attached(mail.outbox[-1])
    assert str(calendar["method"]) == "PUBLISH"
    assert (str(confirmed["uid"]), str(confirmed["status"])) == (uid, "CONFIRMED")
    assert confirmed["sequence"] > pending["sequence"]

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            booking_id=booking.pk, actor=world.operator, start=at(world.day, 15), now=made
        )
    calendar, moved = _attached(mail.outbox[-1])
    assert "moved" in mail.outbox[-1].subject
    assert str(calendar["method"]) == "PUBLISH"
    assert str(moved["uid"]) == uid
    assert moved["sequence"] == confirmed["sequence"] + 1
    assert moved.decoded("dtstart") == at(world.day, 15)
    assert moved.decoded("dtend") == at(world.day, 16)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booking.pk, actor=customer, now=made)
    calendar, cancelled = _attached(mail.outbox[-1])
    assert "cancelled" in mail.outbox[-1].subject
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["uid"]) == uid
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled["sequence"] == moved["sequence"] + 1
    assert "mailto:" in str(cancelled["organizer"])
    assert str(cancelled["attendee"]) == f"mailto:{customer.email}"

    _calendar, downloaded = _download(client_for, booking)
    assert str(downloaded["uid"]) == uid
    assert str(downloaded["status"]) == "CANCELLED"
    assert downloaded["sequence"] == cancelled["sequence"]
