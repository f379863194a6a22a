"""The scheduled jobs as staff run them: expire_pending_bookings and send_reminders change what
is due, say how much they did, do nothing more on a re-run, and exit non-zero on bad input."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command, load_command_class
from pytest_django import DjangoCaptureOnCommitCallbacks

from bookings import services
from bookings.models import Booking, BookingEvent
from tests.bookings.factories import World, at, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=3, confirmation_window_minutes=120)


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().strip()


def state(booking: Booking) -> str:
    current: str = Booking.objects.get(pk=booking.pk).state  # django-fsm's field is untyped
    return current


def test_expire_pending_bookings_expires_what_is_due_once(world: World) -> None:
    made = at(world.day, 9) - timedelta(days=2)
    late = world.book(10, now=made)
    recent = world.book(11, now=made + timedelta(hours=2, minutes=30))
    confirmed = world.book(14, now=made)
    services.booking_confirm(booking_id=confirmed.pk, actor=world.operator, now=made)

    now = (made + timedelta(hours=3)).isoformat()
    assert run("expire_pending_bookings", "--now", now) == "Expired 1 pending booking."
    assert [state(b) for b in (late, recent, confirmed)] == ["expired", "pending", "confirmed"]
    event = BookingEvent.objects.filter(booking=late).order_by("-at", "-pk").first()
    assert event is not None
    assert (event.action, event.actor_id, event.actor_role) == ("expire", None, "system")

    assert run("expire_pending_bookings", "--now", now) == "Expired 0 pending bookings."
    assert BookingEvent.objects.filter(action="expire").count() == 1


def test_a_pending_booking_expires_when_its_start_comes(world: World) -> None:
    made = at(world.day, 10) - timedelta(minutes=30)
    booking = world.book(10, now=made - timedelta(hours=1))
    world.site.confirmation_window_minutes = 24 * 60
    world.site.save()
    assert run("expire_pending_bookings", "--now", made.isoformat()) == (
        "Expired 0 pending bookings."
    )
    assert run("expire_pending_bookings", "--now", booking.start.isoformat()) == (
        "Expired 1 pending booking."
    )


def test_send_reminders_once_per_booking_24_hours_ahead(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    made = at(world.day, 9) - timedelta(days=3)
    soon = world.book(10, now=made)
    later = world.book(11, now=made)
    pending = world.book(10, now=made)
    for booking in (soon, later):
        services.booking_confirm(booking_id=booking.pk, actor=world.operator, now=made)
    mail.outbox.clear()

    now = (soon.start - timedelta(hours=23, minutes=30)).isoformat()  # later: 24 h 30 min ahead
    with django_capture_on_commit_callbacks(execute=True):
        assert run("send_reminders", "--now", now) == "Sent 1 reminder."
    assert [m.subject for m in mail.outbox] == [f"Reminder: booking {soon.reference} tomorrow"]
    assert mail.outbox[0].to == [soon.customer.email]
    assert Booking.objects.get(pk=soon.pk).reminder_sent_at is not None
    assert Booking.objects.get(pk=pending.pk).reminder_sent_at is None

    with django_capture_on_commit_callbacks(execute=True):
        assert run("send_reminders", "--now", now) == "Sent 0 reminders."
    assert len(mail.outbox) == 1

    an_hour_later = (soon.start - timedelta(hours=22, minutes=30)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert run("send_reminders", "--now", an_hour_later) == "Sent 1 reminder."
    assert [m.subject for m in mail.outbox][1:] == [f"Reminder: booking {later.reference} tomorrow"]


@pytest.mark.parametrize("command", ["expire_pending_bookings", "send_reminders"])
@pytest.mark.parametrize(
    ("now", "message"),
    [("tomorrow", "ISO 8601"), ("2026-03-02T08:00:00", "UTC offset")],
)
def test_a_bad_now_is_refused_with_a_non_zero_exit(
    world: World, command: str, now: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match=message):
        run(command, "--now", now)
    with pytest.raises(SystemExit) as exit_info:
        load_command_class("bookings", command).run_from_argv(["manage.py", command, "--now", now])
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err


def test_now_accepts_z_for_utc(world: World) -> None:
    assert run("expire_pending_bookings", "--now", "2020-01-01T00:00:00Z") == (
        "Expired 0 pending bookings."
    )
