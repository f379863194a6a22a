"""The booking change page: only the notes are editable (through the service), the state moves
only through the transition buttons, which call the booking services and record history; a
refusal shows the service's message and changes nothing; the bulk actions do the same per
booking. Nothing here deletes a booking or its history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from bookings import services
from bookings.domain.errors import InvalidTransition
from bookings.models import Booking, BookingEvent
from tests.bookings.admin.conftest import (
    CHANGELIST,
    change_url,
    fresh,
    messages_of,
    raw_booking,
)
from tests.bookings.factories import World, at
from tests.scheduling.factories import ClosureFactory

pytestmark = pytest.mark.django_db


def history(booking: Booking) -> list[tuple[str, str, str, int | None]]:
    return list(
        BookingEvent.objects.filter(booking=booking)
        .order_by("at", "pk")
        .values_list("action", "from_state", "to_state", "actor_id")
    )


def test_the_change_page_shows_read_only_state_price_and_history(
    world: World, operator_client: Client
) -> None:
    booking = world.book()
    response = operator_client.get(change_url(booking))
    assert response.status_code == 200
    content = response.content.decode()
    form_fields = set(response.context["adminform"].form.fields)
    assert form_fields == {"customer_note", "operator_note"}
    assert 'name="state"' not in content
    assert "booking-state-pending" in content
    assert "Full wash" in content
    assert "50.00" in content
    inline = response.context["inline_admin_formsets"][0]
    assert [form.original.action for form in inline] == ["create"]
    assert not inline.has_add_permission
    assert not inline.has_delete_permission
    # Only the buttons the state machine allows an operator on a pending booking.
    buttons = [b.action for b in response.context["transition_buttons"]]
    assert buttons == ["confirm", "cancel"]


def test_posting_a_state_changes_nothing_but_notes_go_through_the_service(
    world: World, operator_client: Client
) -> None:
    booking = world.book()
    response = operator_client.post(
        change_url(booking),
        {
            "state": "cancelled",
            "total": "0.00",
            "customer_note": "",
            "operator_note": "Customer will bring the keys at 9.",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    saved = fresh(booking)
    assert saved.state == "pending"
    assert saved.total == booking.total
    assert saved.operator_note == "Customer will bring the keys at 9."
    assert history(saved) == [("create", "", "pending", booking.customer_id)]


def test_the_confirm_button_confirms_through_the_service_with_history(
    world: World,
    operator_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    booking = world.book()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = operator_client.post(
            f"{CHANGELIST}{booking.pk}/transition/confirm/", follow=True
        )
    assert messages_of(response) == [f"Booking {booking.reference} confirmed."]
    saved = fresh(booking)
    assert saved.state == "confirmed"
    assert saved.confirmed_at is not None
    assert history(saved)[-1] == ("confirm", "pending", "confirmed", world.operator.pk)
    assert callbacks  # the confirmation e-mail, after the commit, like the API's
    assert [b.action for b in response.context["transition_buttons"]] == [
        "start",
        "cancel",
        "no_show",
    ]


def test_a_refused_transition_shows_the_service_message_and_changes_nothing(
    world: World, operator_client: Client
) -> None:
    booking = world.book()
    services.booking_confirm(booking_id=booking.pk, actor=world.operator)
    before = history(booking)
    # The button is there, but it is days too early for a no-show: the service says so.
    response = operator_client.post(f"{CHANGELIST}{booking.pk}/transition/no_show/", follow=True)
    assert messages_of(response) == [
        "A no-show can be recorded from 15 minutes after the start time."
    ]
    # A transition the state machine refuses (a confirmed booking cannot be confirmed again).
    response = operator_client.post(f"{CHANGELIST}{booking.pk}/transition/confirm/", follow=True)
    assert messages_of(response) == [str(InvalidTransition("confirm", "confirmed"))]
    saved = fresh(booking)
    assert (saved.state, saved.fee, saved.no_show_at) == ("confirmed", None, None)
    assert history(saved) == before


def test_a_get_never_changes_a_booking(world: World, operator_client: Client) -> None:
    booking = world.book()
    response = operator_client.get(f"{CHANGELIST}{booking.pk}/transition/confirm/")
    assert response.status_code == 302
    assert fresh(booking).state == "pending"
    assert operator_client.post(f"{CHANGELIST}{booking.pk}/transition/expire/").status_code == 404


def test_cancel_asks_for_a_reason_then_cancels(world: World, operator_client: Client) -> None:
    booking = world.book()
    url = f"{CHANGELIST}{booking.pk}/cancel/"
    page = operator_client.get(url)
    assert page.status_code == 200
    assert booking.reference in page.content.decode()
    empty = operator_client.post(url, {"reason": "  "})
    assert empty.status_code == 200
    assert empty.context["form"].errors
    assert fresh(booking).state == "pending"

    done = operator_client.post(url, {"reason": "Bay flooded"}, follow=True)
    assert messages_of(done) == [f"Booking {booking.reference} cancelled."]
    saved = fresh(booking)
    assert (saved.state, saved.cancellation_reason, saved.fee) == (
        "cancelled",
        "Bay flooded",
        Decimal("0.00"),
    )
    assert saved.cancelled_by_id == world.operator.pk
    assert history(saved)[-1] == ("cancel", "pending", "cancelled", world.operator.pk)
    assert done.context["transition_buttons"] == []


def test_bulk_confirm_reports_done_and_refused(world: World, operator_client: Client) -> None:
    first, second, third = world.book(9), world.book(10), world.book(11)
    services.booking_cancel(booking_id=third.pk, actor=third.customer)
    response = operator_client.post(
        CHANGELIST,
        {"action": "confirm_selected", "_selected_action": [first.pk, second.pk, third.pk]},
        follow=True,
    )
    assert messages_of(response) == [
        "2 bookings confirmed.",
        f"1 booking refused: {third.reference}: {InvalidTransition('confirm', 'cancelled')}",
    ]
    assert [fresh(b).state for b in (first, second, third)] == [
        "confirmed",
        "confirmed",
        "cancelled",
    ]
    assert history(first)[-1] == ("confirm", "pending", "confirmed", world.operator.pk)


def test_bulk_cancel_asks_one_reason_then_cancels_each(
    world: World, operator_client: Client
) -> None:
    first, second = world.book(9), world.book(10)
    services.booking_confirm(booking_id=second.pk, actor=world.operator)
    started = raw_booking(world, at(world.day, 15), state="in_progress")
    selected = [first.pk, second.pk, started.pk]

    page = operator_client.post(
        CHANGELIST, {"action": "cancel_selected", "_selected_action": selected}
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert first.reference in content
    assert second.reference in content
    assert 'name="apply"' in content
    assert fresh(first).state == "pending"

    without_reason = operator_client.post(
        CHANGELIST,
        {"action": "cancel_selected", "_selected_action": selected, "apply": "1", "reason": ""},
    )
    assert without_reason.status_code == 200
    assert without_reason.context["form"].errors
    assert fresh(first).state == "pending"

    done = operator_client.post(
        CHANGELIST,
        {
            "action": "cancel_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Site closed: power cut",
        },
        follow=True,
    )
    assert messages_of(done) == [
        "2 bookings cancelled.",
        f"1 booking refused: {started.reference}: {InvalidTransition('cancel', 'in_progress')}",
    ]
    for booking, was in ((first, "pending"), (second, "confirmed")):
        saved = fresh(booking)
        assert saved.state == "cancelled"
        assert saved.cancellation_reason == "Site closed: power cut"
        assert saved.fee == 0  # an operator's cancellation costs the customer nothing
        assert history(saved)[-1] == ("cancel", was, "cancelled", world.operator.pk)
    assert fresh(started).state == "in_progress"


def test_bookings_and_their_history_cannot_be_added_or_deleted(
    world: World, operator_client: Client, admin_client: Client
) -> None:
    booking = world.book()
    for client in (operator_client, admin_client):
        assert client.get(f"{CHANGELIST}add/").status_code == 403
        assert client.post(f"{CHANGELIST}{booking.pk}/delete/", {"post": "yes"}).status_code == 403
        listing = client.get(CHANGELIST).content.decode()
        assert "delete_selected" not in listing
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert BookingEvent.objects.filter(booking=booking).count() == 1


def test_a_superuser_confirms_too(world: World, admin_client: Client, admin_user: User) -> None:
    booking = world.book()
    admin_client.post(f"{CHANGELIST}{booking.pk}/transition/confirm/")
    assert history(fresh(booking))[-1] == ("confirm", "pending", "confirmed", admin_user.pk)


def test_the_start_button_works_from_half_an_hour_before(
    world: World, operator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.clock

    booking = world.book()
    services.booking_confirm(booking_id=booking.pk, actor=world.operator)
    monkeypatch.setattr(core.clock, "utcnow", lambda: booking.start - timedelta(minutes=20))
    operator_client.post(f"{CHANGELIST}{booking.pk}/transition/start/")
    assert fresh(booking).state == "in_progress"
    operator_client.post(f"{CHANGELIST}{booking.pk}/transition/complete/")
    assert [row[0] for row in history(booking)] == ["create", "confirm", "start", "complete"]


def test_staff_outside_the_operator_group_changes_nothing(world: World) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import UserFactory

    booking = world.book()
    clerk = UserFactory.create(is_staff=True, roles=[])
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_booking", "change_booking"])
    )
    client = Client()
    client.force_login(clerk)
    page = client.get(change_url(booking))
    assert page.status_code == 200
    assert page.context["transition_buttons"] == []
    assert client.post(f"{CHANGELIST}{booking.pk}/transition/confirm/").status_code == 403
    # The form is there, but the notes service only takes operators: the refusal is shown.
    response = client.post(
        change_url(booking),
        {"customer_note": "", "operator_note": "sneaky", "events-TOTAL_FORMS": "0",
         "events-INITIAL_FORMS": "0"},
        follow=True,
    )  # fmt: skip
    assert messages_of(response) == ["Not found."]
    saved = fresh(booking)
    assert (saved.state, saved.operator_note) == ("pending", "")
    assert not LogEntry.objects.exists()


def test_the_history_shows_where_a_reschedule_moved_the_booking(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)  # Bay 1
    bay1 = world.resources[0]
    ClosureFactory.create(site=None, resource=bay1, start=at(world.day, 15), end=at(world.day, 16))
    services.booking_reschedule(
        booking_id=booking.pk,
        actor=world.operator,
        start=at(world.day, 15),
        now=booking.start - timedelta(days=1),
    )
    response = operator_client.get(change_url(booking))
    inline = response.context["inline_admin_formsets"][0]
    moved = [form.original for form in inline if form.original.action == "reschedule"]
    assert len(moved) == 1
    day = f"{at(world.day, 10):%Y-%m-%d}"
    zone = f"{at(world.day, 10):%Z}"
    text = f"{day} 10:00 {zone}, Bay 1 → {day} 15:00 {zone}, Bay 2"
    assert text in response.content.decode()
