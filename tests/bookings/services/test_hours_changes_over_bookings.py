"""A date exception that removes hours (a site's or a resource's: closed that day, shorter hours)
and a resource's deactivation hit bookings as a closure does: the bookings are listed before
anything is saved, then each is moved to another resource at the same time, moved to its next
free start or cancelled by the operator (no fee), as chosen, through the one use case
`hours_change_over_bookings`; the customer hears of it (outbox); afterwards no active booking
overlaps the removed hours. The scheduling back-office refuses to save such a change itself and
links to the bookings page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client

from bookings import selectors, services
from bookings.models import Booking
from bookings.services.closures import CANCEL, NEXT_FREE, SAME_TIME
from core.models import OutboxEvent
from scheduling import public as scheduling
from scheduling.models import Closure, DateException, Resource
from tests.bookings.factories import World, at, make_world

pytestmark = pytest.mark.django_db

ACTIVE = ("pending", "confirmed", "in_progress")
BEFORE = timedelta(days=1)  # the operator acts the day before


@pytest.fixture
def world() -> World:
    return make_world(resources=2)


def _booking(world: World, hour: int, minute: int = 0) -> Booking:
    booking = world.book(hour, minute, now=at(world.day, 8) - timedelta(days=2))
    return services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=at(world.day, 8) - BEFORE
    )


def _active_on_day(world: World, start_hour: int, end_hour: int, **where: object) -> list[Booking]:
    """The active bookings whose work overlaps the day from start_hour to end_hour (Paris)."""
    return list(
        Booking.objects.filter(
            state__in=ACTIVE,
            start__lt=at(world.day, 0) + timedelta(hours=end_hour),
            end__gt=at(world.day, 0) + timedelta(hours=start_hour),
            **where,
        )
    )


def _apply(world: World, change: scheduling.HoursChange, choices: dict[int, str]):  # type: ignore[no-untyped-def]
    return services.hours_change_over_bookings(
        actor=world.operator, change=change, choices=choices, now=at(world.day, 8) - BEFORE
    )


# --- a site's date exception ----------------------------------------------------------------------


def test_a_site_closed_that_day_moves_one_booking_and_cancels_the_other(world: World) -> None:
    first, second = _booking(world, 9), _booking(world, 14)
    change = scheduling.date_exception_change(
        day=world.day.date(), kind="closed", reason="Flood", site_pk=world.site.pk
    )
    assert [b.pk for b in selectors.bookings_hit_by_change(change)] == [first.pk, second.pk]
    assert not DateException.objects.exists()  # proposing saves nothing

    outcomes = _apply(world, change, {first.pk: NEXT_FREE, second.pk: CANCEL})

    assert [o.done for o in outcomes] == [True, True], [o.message for o in outcomes]
    assert DateException.objects.get(site=world.site, day=world.day.date()).kind == "closed"
    moved = Booking.objects.get(pk=first.pk)
    assert moved.state == "confirmed"
    assert moved.start >= at(world.day + timedelta(days=1), 8)
    cancelled = Booking.objects.get(pk=second.pk)
    assert cancelled.state == "cancelled"
    assert not cancelled.fee
    assert cancelled.cancellation_reason == "Flood"
    assert _active_on_day(world, 0, 24, site=world.site) == []  # nothing left on the closed day
    types = set(OutboxEvent.objects.values_list("type", flat=True))
    assert {"booking.rescheduled", "booking.cancelled"} <= types


def test_shorter_hours_hit_only_the_afternoon(world: World) -> None:
    morning, afternoon = _booking(world, 10), _booking(world, 15)
    change = scheduling.date_exception_change(
        day=world.day.date(),
        kind="hours",
        intervals=[(time(8), time(12))],
        reason="Staff training",
        site_pk=world.site.pk,
    )
    assert [b.pk for b in selectors.bookings_hit_by_change(change)] == [afternoon.pk]

    (outcome,) = _apply(world, change, {afternoon.pk: NEXT_FREE})

    assert outcome.done, outcome.message
    assert Booking.objects.get(pk=afternoon.pk).start >= at(world.day + timedelta(days=1), 8)
    assert Booking.objects.get(pk=morning.pk).start == morning.start  # untouched
    assert _active_on_day(world, 12, 24, site=world.site) == []


def test_an_exception_that_removes_nothing_hits_nothing(world: World) -> None:
    _booking(world, 15)
    longer = scheduling.date_exception_change(
        day=world.day.date(),
        kind="hours",
        intervals=[(time(7), time(19))],
        reason="Long day",
        site_pk=world.site.pk,
    )
    regular = scheduling.date_exception_change(
        day=world.day.date(), kind="regular", reason="As usual", site_pk=world.site.pk
    )
    assert longer.removed == ()
    assert regular.removed == ()
    assert selectors.bookings_hit_by_change(longer) == []


def test_a_resource_closed_that_day_moves_its_booking_to_the_other_bay(world: World) -> None:
    booking = _booking(world, 10)
    bay = booking.resource
    change = scheduling.date_exception_change(
        day=world.day.date(), kind="closed", reason="Lift service", resource_pk=bay.pk
    )

    (outcome,) = _apply(world, change, {booking.pk: SAME_TIME})

    assert outcome.done, outcome.message
    moved = Booking.objects.get(pk=booking.pk)
    assert (moved.start, moved.state) == (booking.start, "confirmed")
    assert moved.resource_id != bay.pk
    assert DateException.objects.filter(resource=bay, kind="closed").exists()
    assert _active_on_day(world, 0, 24, resource=bay) == []


def test_an_existing_exception_of_that_date_is_changed_not_doubled(world: World) -> None:
    scheduling.hours_change_save(
        change=scheduling.date_exception_change(
            day=world.day.date(), kind="regular", reason="x", site_pk=world.site.pk
        ),
        actor=world.operator,
    )
    booking = _booking(world, 15)
    change = scheduling.date_exception_change(
        day=world.day.date(), kind="closed", reason="Strike", site_pk=world.site.pk
    )
    (outcome,) = _apply(world, change, {booking.pk: CANCEL})
    assert outcome.done
    assert list(DateException.objects.values_list("kind", "reason")) == [("closed", "Strike")]


# --- a resource's deactivation --------------------------------------------------------------------


def test_deactivating_a_resource_moves_or_cancels_each_of_its_bookings(world: World) -> None:
    first = _booking(world, 10)
    bay = first.resource
    other = next(r for r in world.resources if r.pk != bay.pk)
    later = _booking(world, 14)
    if later.resource_id != bay.pk:  # the assignment may spread them: put it on the same bay
        Booking.objects.filter(pk=later.pk).update(resource=bay)
    change = scheduling.deactivation_change(
        resource_pk=bay.pk, now=at(world.day, 8) - BEFORE, reason="Lift scrapped"
    )
    assert [b.pk for b in selectors.bookings_hit_by_change(change)] == [first.pk, later.pk]

    outcomes = _apply(world, change, {first.pk: SAME_TIME, later.pk: CANCEL})

    assert [o.done for o in outcomes] == [True, True], [o.message for o in outcomes]
    assert not Resource.objects.get(pk=bay.pk).active
    assert Booking.objects.get(pk=first.pk).resource_id == other.pk
    assert Booking.objects.get(pk=later.pk).state == "cancelled"
    assert list(Booking.objects.filter(resource=bay, state__in=ACTIVE)) == []


def test_deactivating_moves_to_the_next_free_start_on_another_resource(world: World) -> None:
    booking = _booking(world, 10)
    blocker = _booking(world, 10)  # the other bay is taken at 10:00
    bay = booking.resource
    change = scheduling.deactivation_change(
        resource_pk=bay.pk, now=at(world.day, 8) - BEFORE, reason="Broken"
    )
    outcomes = _apply(world, change, {booking.pk: NEXT_FREE, blocker.pk: NEXT_FREE})
    assert all(o.done for o in outcomes), [o.message for o in outcomes]
    for moved in Booking.objects.filter(pk__in=[booking.pk, blocker.pk]):
        assert moved.resource_id != bay.pk
        assert moved.start >= booking.start
    assert list(Booking.objects.filter(resource=bay, state__in=ACTIVE)) == []


# --- the scheduling back-office does not save such a change itself -----------------------------


@pytest.fixture
def operator_client(world: World) -> Client:
    client = Client()
    client.force_login(world.operator)
    return client


def test_the_date_exceptions_page_refuses_a_change_over_bookings_and_links_to_the_list(
    world: World, operator_client: Client
) -> None:
    booking = _booking(world, 15)
    form = {"site": str(world.site.pk), "resource": "", "day": world.day.date().isoformat(),
            "kind": "closed", "intervals": "", "reason": "Flood"}  # fmt: skip
    refused = operator_client.post("/admin/scheduling/dateexception/add/", form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This change hits 1 active booking" in page
    assert "/admin/bookings/booking/date-exception/?" in page
    assert not DateException.objects.exists()
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"
    # One that removes nothing booked is saved here as before.
    saved = operator_client.post(
        "/admin/scheduling/dateexception/add/",
        {**form, "kind": "hours", "intervals": "08:00-12:00, 13:30-16:00"},
    )
    assert saved.status_code == 302


def test_the_resources_page_refuses_a_deactivation_over_bookings(
    world: World, operator_client: Client
) -> None:
    booking = _booking(world, 10)
    bay = booking.resource
    data = {"site": str(world.site.pk), "name": bay.name, "kind": "bay", "technician": "",
            "own_hours-TOTAL_FORMS": "0", "own_hours-INITIAL_FORMS": "0",
            "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0"}  # fmt: skip
    refused = operator_client.post(f"/admin/scheduling/resource/{bay.pk}/change/", data)
    assert refused.status_code == 200
    assert f"/admin/bookings/booking/deactivate-resource/?resource={bay.pk}" in (
        refused.content.decode()
    )
    assert Resource.objects.get(pk=bay.pk).active


def test_the_closures_page_refuses_a_closure_over_bookings(
    world: World, operator_client: Client
) -> None:
    _booking(world, 10)
    form = {"site": str(world.site.pk), "resource": "",
            "start_0": world.day.date().isoformat(), "start_1": "09:00",
            "end_0": world.day.date().isoformat(), "end_1": "12:00", "reason": "Works"}  # fmt: skip
    refused = operator_client.post("/admin/scheduling/closure/add/", form)
    assert refused.status_code == 200
    assert "/admin/bookings/booking/close-time/?" in refused.content.decode()
    assert not Closure.objects.exists()


# --- the bookings pages: listed before saving, then saved and handled ---------------------------


def test_the_date_exception_page_lists_the_hits_then_saves_and_handles_them(
    world: World, operator_client: Client
) -> None:
    first, second = _booking(world, 9), _booking(world, 9)
    url = "/admin/bookings/booking/date-exception/"
    form = {"site": str(world.site.pk), "resource": "", "day": world.day.date().isoformat(),
            "kind": "hours", "intervals": "13:30-18:00", "reason": "Morning off"}  # fmt: skip
    preview = operator_client.post(url, {**form, "preview": "1"})
    page = preview.content.decode()
    assert first.reference in page
    assert second.reference in page
    assert "This date exception hits 2 active bookings" in page
    assert not DateException.objects.exists()
    saved = operator_client.post(
        url,
        {
            **form,
            "confirm": "1",
            "all": "cancel",
            f"choice-{first.pk}": "next_free",
            f"choice-{second.pk}": "bulk",
        },
    )
    assert saved.status_code == 302
    assert DateException.objects.get(site=world.site).kind == "hours"
    assert Booking.objects.get(pk=first.pk).start >= at(world.day, 13, 30)
    assert Booking.objects.get(pk=second.pk).state == "cancelled"
    assert _active_on_day(world, 0, 13, site=world.site) == []


def test_the_deactivation_page_lists_the_hits_then_deactivates_and_handles_them(
    world: World, operator_client: Client
) -> None:
    booking = _booking(world, 10)
    bay = booking.resource
    url = "/admin/bookings/booking/deactivate-resource/"
    form = {"resource": str(bay.pk), "reason": "Lift scrapped"}
    preview = operator_client.get(url, {"resource": bay.pk})
    assert preview.status_code == 200
    listed = operator_client.post(url, {**form, "preview": "1"})
    assert booking.reference in listed.content.decode()
    assert Resource.objects.get(pk=bay.pk).active
    saved = operator_client.post(url, {**form, "confirm": "1", "all": "same_time"})
    assert saved.status_code == 302
    assert not Resource.objects.get(pk=bay.pk).active
    moved = Booking.objects.get(pk=booking.pk)
    assert (moved.start, moved.state) == (booking.start, "confirmed")
    assert moved.resource_id != bay.pk


def test_the_refusals_link_opens_the_bookings_page_with_the_change_filled_in(
    world: World, operator_client: Client
) -> None:
    import html
    import re

    bay = _booking(world, 15).resource
    form = {"site": "", "resource": str(bay.pk), "day": world.day.date().isoformat(),
            "kind": "hours", "intervals": "08:00-12:00", "reason": "Half day"}  # fmt: skip
    refused = operator_client.post("/admin/scheduling/dateexception/add/", form)
    match = re.search(r'href="(/admin/bookings/booking/date-exception/\?[^"]+)"', refused.text)
    assert match is not None
    page = operator_client.get(html.unescape(match.group(1))).content.decode()
    assert 'value="Half day"' in page
    assert 'value="08:00-12:00"' in page
    assert f'value="{world.day.date().isoformat()}"' in page
    assert f'<option value="{bay.pk}" selected>' in page


def test_a_closure_added_inline_on_a_resource_over_a_booking_is_refused(
    world: World, operator_client: Client
) -> None:
    bay = _booking(world, 10).resource
    day = world.day.date().isoformat()
    data = {"site": str(world.site.pk), "name": bay.name, "kind": "bay", "active": "on",
            "technician": "", "own_hours-TOTAL_FORMS": "0", "own_hours-INITIAL_FORMS": "0",
            "closures-TOTAL_FORMS": "1", "closures-INITIAL_FORMS": "0",
            "closures-0-start_0": day, "closures-0-start_1": "09:00",
            "closures-0-end_0": day, "closures-0-end_1": "12:00",
            "closures-0-reason": "Lift"}  # fmt: skip
    refused = operator_client.post(f"/admin/scheduling/resource/{bay.pk}/change/", data)
    assert refused.status_code == 200
    assert "/admin/bookings/booking/close-time/?" in refused.content.decode()
    assert not Closure.objects.exists()


def _late_opening_with_a_booking(world: World) -> tuple[DateException, Booking]:
    """The world's Monday open till 20:00 by an exception, and a booking at 18:30 then."""
    from scheduling import services as scheduling_services
    from tests.bookings.admin.conftest import raw_booking

    exception = scheduling_services.date_exception_create(
        day=world.day.date(),
        actor=None,
        kind="hours",
        site=world.site,
        intervals=[(time(8), time(20))],
        reason="Late opening",
    )
    return exception, raw_booking(world, at(world.day, 18, 30), state="confirmed")


def test_deleting_an_exception_whose_hours_are_booked_is_refused(
    world: World, operator_client: Client
) -> None:
    exception, booking = _late_opening_with_a_booking(world)
    url = f"/admin/scheduling/dateexception/{exception.pk}/delete/"
    response = operator_client.post(url, {"post": "yes"}, follow=True)
    assert "its date loses hours that 1 active booking holds" in response.content.decode()
    assert DateException.objects.filter(pk=exception.pk).exists()
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"


def test_moving_an_exception_whose_hours_are_booked_to_another_date_is_refused(
    world: World, operator_client: Client
) -> None:
    exception, _booking_then = _late_opening_with_a_booking(world)
    url = f"/admin/scheduling/dateexception/{exception.pk}/change/"
    tuesday = (world.day + timedelta(days=1)).date().isoformat()
    form = {"site": str(world.site.pk), "resource": "", "day": tuesday, "kind": "hours",
            "intervals": "08:00-20:00", "reason": "Late opening"}  # fmt: skip
    response = operator_client.post(url, form)
    assert response.status_code == 200
    assert "its date loses hours that 1 active booking holds" in response.content.decode()
    assert DateException.objects.get(pk=exception.pk).day == world.day.date()
