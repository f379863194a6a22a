"""The pages of the operator's day that list no board (the close-time, date-exception and
deactivation pages with their lists of hit bookings, the fee waiver, a booking's change, cancel,
move and reschedule pages, the one-click transition) cost the same number of queries whatever
the number of bookings, sites, resources or history rows (SPEC §8)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from bookings.models import Booking
from tests.bookings.admin.conftest import CHANGELIST, raw_booking
from tests.bookings.factories import World, at
from tests.scheduling.factories import ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

CLOSE = f"{CHANGELIST}close-time/"
# Session, user, the user's access (permissions and roles: one query, was 3), the sites, the
# resources' choices; the list adds the hit bookings (one query, their site and resource
# joined). The waiver: session, user, the user's access, the booking with its site.
GET_QUERIES, PREVIEW_QUERIES, WAIVER_QUERIES = 5, 6, 4


def _count(call: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
        assert response.status_code == 200
    return len(queries)


def _form(world: World) -> dict[str, str]:
    return {
        "site": str(world.site.pk),
        "resource": "",
        "start": at(world.day, 8).strftime("%Y-%m-%dT%H:%M"),
        "end": at(world.day, 18).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Inventory",
        "preview": "1",
    }


def _grow(world: World, n: int) -> None:
    for i in range(n):
        ResourceFactory.create(site=SiteFactory.create())
        bay = ResourceFactory.create(site=world.site)
        _customer, vehicle = world.new_customer()
        raw_booking(world, at(world.day, 8) + timedelta(minutes=30 * (i % 8)), resource=bay,
                    vehicle=vehicle, state="confirmed")  # fmt: skip


def test_the_close_time_page_and_its_list_cost_the_same_whatever_the_data(
    world: World, operator_client: Client
) -> None:
    _grow(world, 1)
    small_get = _count(lambda: operator_client.get(CLOSE))
    small_preview = _count(lambda: operator_client.post(CLOSE, _form(world)))
    _grow(world, 12)
    assert _count(lambda: operator_client.get(CLOSE)) == small_get == GET_QUERIES
    preview = operator_client.post(CLOSE, _form(world))
    assert len(preview.context["hits"]) == 13
    assert _count(lambda: operator_client.post(CLOSE, _form(world))) == small_preview
    assert small_preview == PREVIEW_QUERIES


def test_the_fee_waiver_page_costs_the_same_whatever_the_data(
    world: World, operator_client: Client
) -> None:
    booking = raw_booking(world, at(world.day, 17), state="no_show", fee=Decimal("50.00"))
    url = f"{CHANGELIST}{booking.pk}/waive-fee/"
    small = _count(lambda: operator_client.get(url))
    _grow(world, 12)
    assert _count(lambda: operator_client.get(url)) == small == WAIVER_QUERIES


EXCEPTION = f"{CHANGELIST}date-exception/"
DEACTIVATE = f"{CHANGELIST}deactivate-resource/"
# The date exception's preview (a site's) adds to the GET: the site with its week, the date
# exceptions around the day (scheduling reads what the change removes), and the hit bookings.
# The deactivation's: the resource's site and whether it is active, and the hit bookings.
EXCEPTION_GET, EXCEPTION_PREVIEW = 5, 8
DEACTIVATE_GET, DEACTIVATE_PREVIEW = 5, 7


def test_the_date_exception_page_and_its_list_cost_the_same_whatever_the_data(
    world: World, operator_client: Client
) -> None:
    form = {"site": str(world.site.pk), "resource": "", "day": world.day.date().isoformat(),
            "kind": "closed", "intervals": "", "reason": "Inventory", "preview": "1"}  # fmt: skip
    _grow(world, 1)
    small_get = _count(lambda: operator_client.get(EXCEPTION))
    small_preview = _count(lambda: operator_client.post(EXCEPTION, form))
    _grow(world, 12)
    assert _count(lambda: operator_client.get(EXCEPTION)) == small_get == EXCEPTION_GET
    assert len(operator_client.post(EXCEPTION, form).context["hits"]) == 13
    assert _count(lambda: operator_client.post(EXCEPTION, form)) == small_preview
    assert small_preview == EXCEPTION_PREVIEW


def test_the_deactivation_page_and_its_list_cost_the_same_whatever_the_data(
    world: World, operator_client: Client
) -> None:
    bay = world.resources[0]
    form = {"resource": str(bay.pk), "reason": "Scrapped", "preview": "1"}

    made: list[int] = []

    def grow_on_bay(n: int) -> None:
        for _ in range(n):
            ResourceFactory.create(site=SiteFactory.create())
            ResourceFactory.create(site=world.site)
            _customer, vehicle = world.new_customer()
            day = timedelta(days=len(made))  # one a day on the bay: they never overlap
            raw_booking(world, at(world.day, 8, 30) + day, resource=bay, vehicle=vehicle,
                        state="confirmed")  # fmt: skip
            made.append(1)

    grow_on_bay(1)
    small_get = _count(lambda: operator_client.get(DEACTIVATE))
    small_preview = _count(lambda: operator_client.post(DEACTIVATE, form))
    grow_on_bay(12)
    assert _count(lambda: operator_client.get(DEACTIVATE)) == small_get == DEACTIVATE_GET
    assert len(operator_client.post(DEACTIVATE, form).context["hits"]) == 13
    assert _count(lambda: operator_client.post(DEACTIVATE, form)) == small_preview
    assert small_preview == DEACTIVATE_PREVIEW


# The pages of one booking in the operator's day: the same queries with one booking or a busy
# day (other bookings on the site, a long history). Each: session, user, the user's access
# (permissions and roles, one query: was 3), the booking (its site, resource, customer and who
# cancelled it joined), then the page's own reads.
BOOKING_PAGES = {
    "change": 5,  # + its history (one query, its actors joined)
    "cancel": 4,  # the reason's form
    "move": 5,  # + the site's resources
    # + the free starts: the service's requirements, the site with its resources, closures, date
    # exceptions, busy time
    "reschedule": 9,
}
# The one-click transition: the page's four, then the use case (its savepoint and its release,
# the booking locked, the update, the history row, the event); its role check reads nothing
# more (the same user object: was one query).
CONFIRM_QUERIES = 10


def _busy_day(world: World, n: int) -> None:
    """`n` other bookings on the site that day, each with some history."""
    from bookings.models import BookingEvent

    for i in range(n):
        _customer, vehicle = world.new_customer()
        other = raw_booking(world, at(world.day, 8) + timedelta(minutes=30 * (i % 16)),
                            resource=ResourceFactory.create(site=world.site), vehicle=vehicle,
                            state="confirmed")  # fmt: skip
        BookingEvent.objects.create(booking=other, action="confirm", at=other.created_at)


@pytest.mark.parametrize("others", [0, 12])
def test_the_pages_of_a_booking_cost_the_same_whatever_the_data(
    world: World,
    operator_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    others: int,
) -> None:
    from bookings import services
    from bookings.models import BookingEvent

    booking = world.book(10)
    cancelled = world.book(14)
    services.booking_cancel(booking_id=cancelled.pk, actor=world.operator, reason="asked")
    for n in range(others):
        BookingEvent.objects.create(
            booking=booking, action="note", at=booking.created_at + timedelta(seconds=n),
            actor=world.operator, actor_role="operator",
        )  # fmt: skip
    _busy_day(world, others)
    pages = {name: f"{CHANGELIST}{booking.pk}/{name}/" for name in BOOKING_PAGES}
    operator_client.get(pages["change"])  # the content types warmed
    for name, pinned in BOOKING_PAGES.items():
        with django_assert_max_num_queries(pinned):
            assert operator_client.get(pages[name]).status_code == 200, name
    with django_assert_max_num_queries(BOOKING_PAGES["change"]):  # who cancelled it: joined
        response = operator_client.get(f"{CHANGELIST}{cancelled.pk}/change/")
    assert world.operator.email in response.content.decode()
    confirm = f"{CHANGELIST}{booking.pk}/transition/confirm/"
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        assert operator_client.post(confirm).status_code == 302
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"
