"""Rescheduling from the back-office: a button when the state machine allows it, a page listing
the free starts of a local day (the booking's own time counts as free), and the reschedule
service called with the operator as the actor. A start taken meanwhile is refused with the
service's message and nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from bookings import services
from bookings.models import Booking, BookingEvent
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, change_url, fresh, messages_of
from tests.bookings.factories import World, at
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db


def reschedule_url(booking: Booking) -> str:
    return f"{CHANGELIST}{booking.pk}/reschedule/"


def offered(response: Any) -> list[str]:
    assert response.status_code == 200
    return [label for _value, label, _current in response.context["choices"]]


def history(booking: Booking) -> list[tuple[str, str, str]]:
    return list(
        BookingEvent.objects.filter(booking=booking)
        .order_by("at", "pk")
        .values_list("action", "from_state", "to_state")
    )


def test_the_change_page_has_a_reschedule_button_when_allowed(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)
    page = operator_client.get(change_url(booking))
    assert page.context["reschedule_button"].url == reschedule_url(booking)
    assert f'href="{reschedule_url(booking)}"' in page.content.decode()
    services.booking_cancel(booking_id=booking.pk, actor=world.operator, reason="Gone")
    page = operator_client.get(change_url(booking))
    assert page.context["reschedule_button"] is None
    assert reschedule_url(booking) not in page.content.decode()


def test_the_page_lists_the_free_starts_and_moves_the_booking(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)
    world.book(9)  # the other bay is taken 09:00-10:00; one bay is still free then
    page = operator_client.get(reschedule_url(booking))
    starts = offered(page)
    # A 60-minute job on the site's 15-minute grid, inside 08:00-12:00 and 13:30-18:00.
    assert starts[:3] == ["08:00", "08:15", "08:30"]
    assert "11:00" in starts
    assert "11:15" not in starts  # would end after the 12:00 lunch break
    assert "13:30" in starts
    assert starts[-1] == "17:00"
    current = [label for _v, label, is_current in page.context["choices"] if is_current]
    assert current == ["10:00"]
    content = page.content.decode()
    assert 'type="radio" name="start"' in content

    new_start = at(world.day, 14, 15)
    done = operator_client.post(
        reschedule_url(booking), {"start": new_start.isoformat(), "day": f"{world.day:%Y-%m-%d}"}
    )
    assert done.status_code == 302
    assert done["Location"] == change_url(booking)
    saved = fresh(booking)
    assert saved.start == new_start
    assert saved.end == new_start + timedelta(hours=1)
    assert saved.state == "pending"
    assert history(saved)[-1] == ("reschedule", "pending", "pending")
    event = BookingEvent.objects.filter(booking=booking, action="reschedule").get()
    assert event.actor_id == world.operator.pk
    shown = operator_client.get(done["Location"])
    assert messages_of(shown)[0].startswith(f"Booking {booking.reference} moved to ")


def test_other_days_and_the_way_back_to_the_board(world: World, operator_client: Client) -> None:
    booking = world.book(10)
    tuesday = (world.day + timedelta(days=1)).date()
    board = f"{CHANGELIST}planning/?site={world.site.pk}&day={tuesday.isoformat()}"
    page = operator_client.get(reschedule_url(booking), {"day": tuesday.isoformat(), "next": board})
    assert page.context["day"] == tuesday
    assert "10:00" in offered(page)
    assert not any(is_current for _v, _l, is_current in page.context["choices"])
    assert f"day={(tuesday + timedelta(days=1)).isoformat()}" in page.context["next_url"]
    sunday = operator_client.get(
        reschedule_url(booking), {"day": (world.day + timedelta(days=6)).date().isoformat()}
    )
    assert offered(sunday) == []
    assert "No free start on this day" in sunday.content.decode()

    done = operator_client.post(
        reschedule_url(booking),
        {"start": at(world.day + timedelta(days=1), 9).isoformat(), "next": board},
    )
    assert done["Location"] == board
    assert fresh(booking).start == at(world.day + timedelta(days=1), 9)


def test_a_start_taken_meanwhile_is_refused_and_nothing_changes(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)
    page = operator_client.get(reschedule_url(booking))
    assert "15:00" in offered(page)
    # Meanwhile both bays are booked at 15:00.
    world.book(15)
    world.book(15)
    before = history(booking)
    refused = operator_client.post(
        reschedule_url(booking), {"start": at(world.day, 15).isoformat()}, follow=True
    )
    shown = messages_of(refused)
    assert len(shown) == 1
    assert shown[0].startswith("Every resource that can do it is booked at that time.")
    assert "Bay 1: Booked at that time" in shown[0]  # the operator sees which bookings
    assert "15:00" not in offered(refused)  # the page again, with what is free now
    saved = fresh(booking)
    assert (saved.start, saved.state) == (at(world.day, 10), "pending")
    assert history(saved) == before


def test_no_start_chosen_or_a_garbled_one_is_a_form_error(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)
    for data in ({}, {"start": "tomorrow-ish"}, {"start": "2026-03-02T10:00:00"}):
        response = operator_client.post(reschedule_url(booking), data)
        assert response.status_code == 200
        assert response.context["form"].errors["start"] == ["Choose one of the free start times."]
    assert fresh(booking).start == at(world.day, 10)


def test_a_booking_that_cannot_be_rescheduled(world: World, operator_client: Client) -> None:
    booking = world.book(10)
    services.booking_cancel(booking_id=booking.pk, actor=world.operator, reason="Gone")
    response = operator_client.get(reschedule_url(booking), follow=True)
    assert messages_of(response) == ["A cancelled booking cannot be rescheduled."]
    technician = Client()
    technician.force_login(UserFactory.create(is_staff=True, roles=["technician"]))
    other = world.book(11)
    assert technician.get(reschedule_url(other)).status_code in {403, 404}
    refused = technician.post(reschedule_url(other), {"start": at(world.day, 14).isoformat()})
    assert refused.status_code in {403, 404}
    assert fresh(other).start == at(world.day, 11)


def test_the_repeated_hour_of_october_is_listed_twice_each_with_its_zone(clock: FakeClock) -> None:
    from datetime import datetime

    from tests.accounts.factories import OperatorFactory
    from tests.bookings.daylight_saving import AUTUMN, night_site

    world = night_site(AUTUMN)
    clock.set(world.now)
    customer, vehicle = world.customer()
    booking = services.booking_create(
        actor=customer,
        request=services.BookingRequest(
            vehicle_id=vehicle.public_id,
            service_code=world.service.code,
            site_id=world.site.public_id,
            start=datetime.fromisoformat("2027-10-31T02:30:00+01:00"),  # the second 02:30
        ),
    )
    client = Client()
    client.force_login(OperatorFactory.create())
    page = client.get(reschedule_url(booking), {"day": AUTUMN.isoformat()})
    starts = offered(page)
    assert starts[8:16] == [
        "02:00 CEST", "02:15 CEST", "02:30 CEST", "02:45 CEST",
        "02:00 CET", "02:15 CET", "02:30 CET", "02:45 CET",
    ]  # fmt: skip
    assert starts[0] == "00:00"
    current = [label for _v, label, is_current in page.context["choices"] if is_current]
    assert current == ["02:30 CET"]
