"""The operators' dashboard on the admin index: today's bookings by state (each site's own day),
the next arrivals, the pending bookings oldest first with their expiry, this week's utilisation
per resource; only for operators; a fixed number of queries whatever the data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import raw_booking
from tests.bookings.factories import PARIS, World, make_world
from tests.conftest import FakeClock
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
# Wednesday 2 December 2026, 10:00 in Paris (CET, UTC+1); the week runs Monday 30 November to
# Sunday 6 December.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, tzinfo=PARIS)


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Paris, `day` days after this week's Monday."""
    return datetime.combine((MONDAY + timedelta(days=day)).date(), time(hour, minute), PARIS)


@pytest.fixture
def world(db: None, clock: FakeClock) -> World:
    clock.set(NOW)
    return make_world(resources=2, confirmation_window_minutes=120)


def _dashboard(client: Client) -> Any:
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.context["dashboard"], response.content.decode()


def test_today_counts_bookings_by_state_on_each_sites_own_day(
    world: World, operator_client: Client
) -> None:
    raw_booking(world, paris(2, 8), state="confirmed")
    raw_booking(world, paris(2, 9), state="confirmed")
    raw_booking(world, paris(2, 14), state="pending")
    raw_booking(world, paris(2, 15), state="cancelled")
    raw_booking(world, paris(1, 10), state="confirmed")  # yesterday
    raw_booking(world, paris(3, 0, 30), state="confirmed")  # tomorrow, 23:30 UTC today
    # 08:00 Thursday in Tokyo is still Wednesday in Paris and in UTC: not "today" there.
    tokyo = SiteFactory.create(name="Shibuya", timezone="Asia/Tokyo")
    raw_booking(
        world,
        datetime(2026, 12, 2, 23, 0, tzinfo=UTC),
        site=tokyo,
        resource=ResourceFactory.create(site=tokyo),
        vehicle=world.new_customer()[1],  # world.vehicle is in Paris then
        state="confirmed",
    )
    dashboard, content = _dashboard(operator_client)
    counts = {row.state: row.count for row in dashboard.today}
    assert counts == {
        "pending": 1,
        "confirmed": 2,
        "in_progress": 0,
        "completed": 0,
        "cancelled": 1,
        "expired": 0,
        "no_show": 0,
    }
    assert dashboard.today_total == 4
    assert "Today: 4 bookings" in content
    assert "day=today&amp;state=confirmed" in content  # each count links to its list


def test_next_arrivals_are_the_expected_bookings_from_now_in_time_order(
    world: World, operator_client: Client
) -> None:
    raw_booking(world, paris(2, 9), state="confirmed", reference="BK-BEFORE")  # already begun
    later = raw_booking(world, paris(3, 8), state="pending", reference="BK-LATER")
    raw_booking(world, paris(2, 16), state="cancelled", reference="BK-CANCEL")
    first = raw_booking(world, paris(2, 14), state="confirmed", reference="BK-FIRST")
    for n in range(12):
        raw_booking(world, paris(4, 8) + timedelta(hours=n), state="confirmed")
    dashboard, content = _dashboard(operator_client)
    references = [row.reference for row in dashboard.arrivals]
    assert len(references) == 10
    assert references[:2] == ["BK-FIRST", "BK-LATER"]
    assert {"BK-BEFORE", "BK-CANCEL"}.isdisjoint(references)
    row = dashboard.arrivals[0]
    assert row.start == "12/02/2026 2 p.m. CET"
    assert row.plate
    assert row.service == "Full wash"
    assert row.site == world.site.name
    assert f"/admin/bookings/booking/{first.pk}/change/" in content
    assert f"/admin/bookings/booking/{later.pk}/change/" in content


def test_pending_bookings_oldest_first_with_their_expiry(
    world: World, operator_client: Client
) -> None:
    # The site's confirmation window is 2 hours; a booking expires then, or at its start if
    # that comes first (as expire_pending_bookings decides).
    raw_booking(
        world,
        paris(3, 9),
        state="pending",
        reference="BK-NEWER",
        created_at=NOW - timedelta(hours=1),
    )
    raw_booking(
        world,
        paris(4, 9),
        state="pending",
        reference="BK-OLDEST",
        created_at=NOW - timedelta(days=1),  # window passed: overdue, not yet expired by the job
    )
    raw_booking(
        world,
        paris(2, 10, 30),
        state="pending",
        reference="BK-SOON",
        created_at=NOW - timedelta(minutes=30),
    )
    raw_booking(world, paris(3, 10), state="confirmed", reference="BK-CONFIRMED")
    dashboard, content = _dashboard(operator_client)
    rows = {row.reference: row for row in dashboard.pending}
    assert [row.reference for row in dashboard.pending] == ["BK-OLDEST", "BK-NEWER", "BK-SOON"]
    assert dashboard.pending_total == 3
    assert rows["BK-OLDEST"].expires == "12/01/2026 noon CET"  # made 10:00 Tuesday + 2 h
    assert rows["BK-OLDEST"].overdue
    assert rows["BK-NEWER"].expires == "12/02/2026 11 a.m. CET"
    assert not rows["BK-NEWER"].overdue
    assert rows["BK-SOON"].expires == "12/02/2026 10:30 a.m. CET"  # its start comes first
    assert "3 bookings to confirm" in content


def test_the_pending_count_is_of_every_pending_booking_not_only_those_shown(
    world: World, operator_client: Client
) -> None:
    from bookings.admin.dashboard import PENDING_SHOWN

    for n in range(PENDING_SHOWN + 2):
        raw_booking(world, paris(2 + n // 8, 8 + n % 8), state="pending",
                    created_at=NOW - timedelta(minutes=n))  # fmt: skip
    raw_booking(world, paris(4, 17), state="confirmed")
    dashboard, content = _dashboard(operator_client)
    assert len(dashboard.pending) == PENDING_SHOWN
    assert dashboard.pending_total == PENDING_SHOWN + 2
    assert f"{PENDING_SHOWN + 2} bookings to confirm" in content
    Booking.objects.filter(state="pending").delete()
    dashboard, _content = _dashboard(operator_client)
    assert (dashboard.pending, dashboard.pending_total) == ([], 0)


def test_utilisation_this_week_per_resource(world: World, operator_client: Client) -> None:
    """Hours: Monday to Friday 08:00-12:00 and 13:30-18:00, 510 minutes a day, 2,550 a week."""
    bay1, bay2 = world.resources
    # Bay 1: 60 minutes confirmed, completed and no-show each count; cancelled and expired not;
    # nor last week's or next week's.
    for day, state in [(0, "completed"), (1, "no_show"), (3, "confirmed"), (4, "cancelled")]:
        raw_booking(world, paris(day, 9), resource=bay1, state=state)
    raw_booking(world, paris(2, 15), resource=bay1, state="expired")
    raw_booking(world, paris(-3, 9), resource=bay1, state="completed")
    raw_booking(world, paris(7, 9), resource=bay1, state="confirmed")
    # Bay 2: closed Thursday morning (240 minutes), a 90-minute pending booking.
    ClosureFactory.create(site=None, resource=bay2, start=paris(3, 8), end=paris(3, 12))
    raw_booking(world, paris(2, 8), end=paris(2, 9, 30), resource=bay2, state="pending")
    # Bay 3 works Mondays 09:00-11:00 only (its own hours within the site's): 120 minutes.
    bay3 = ResourceFactory.create(site=world.site, name="Bay 3", hours={1: [(time(9), time(11))]})
    raw_booking(world, paris(0, 9), resource=bay3, state="confirmed")
    # Bay 4 only works Saturdays, when the site is closed: never open.
    ResourceFactory.create(site=world.site, name="Bay 4", hours={6: [(time(9), time(12))]})

    dashboard, content = _dashboard(operator_client)
    usage = {row.resource: row for row in dashboard.utilisation}
    assert (usage["Bay 1"].booked_minutes, usage["Bay 1"].open_minutes) == (180, 2550)
    assert usage["Bay 1"].percent == 7  # 7.06 %
    assert (usage["Bay 2"].booked_minutes, usage["Bay 2"].open_minutes) == (90, 2310)
    assert usage["Bay 2"].percent == 4  # 3.90 %
    assert (usage["Bay 3"].booked_minutes, usage["Bay 3"].open_minutes) == (60, 120)
    assert usage["Bay 3"].percent == 50
    assert usage["Bay 4"].percent is None
    assert [dashboard.week_first.isoformat(), dashboard.week_last.isoformat()] == [
        "2026-11-30",
        "2026-12-06",
    ]
    assert 'style="width:50%"' in content  # the bar, with its percentage as text
    assert "50 %" in content
    assert "Not open this week" in content


def test_a_site_closure_counts_for_every_resource(world: World, operator_client: Client) -> None:
    ClosureFactory.create(site=world.site, start=paris(4, 0), end=paris(5, 0))  # all Friday
    dashboard, _content = _dashboard(operator_client)
    assert {row.open_minutes for row in dashboard.utilisation} == {2040}


@pytest.mark.parametrize(
    ("make", "sees"),
    [
        (lambda: UserFactory.create(is_staff=True, roles=["technician"]), False),
        (lambda: UserFactory.create(is_staff=True, roles=[]), False),
        (lambda: UserFactory.create(is_staff=True, is_superuser=True, roles=[]), True),
    ],
    ids=["technician", "staff-without-permission", "superuser"],
)
def test_who_sees_the_dashboard(world: World, make: Any, sees: bool) -> None:
    client = Client()
    client.force_login(make())
    response = client.get(INDEX)
    assert response.status_code == 200
    content = response.content.decode()
    assert ('id="bookings-dashboard"' in content) is sees
    assert 'id="content-main"' in content  # the stock index is still there


def test_the_operator_keeps_the_app_list(world: World, operator_client: Client) -> None:
    content = operator_client.get(INDEX).content.decode()
    assert 'id="bookings-dashboard"' in content
    assert "/admin/bookings/booking/" in content
    assert "/admin/scheduling/site/" in content


def _populate(world: World, scale: int) -> None:
    """Bookings in every state, more sites and resources, closures: `scale` of each."""
    states = ["pending", "confirmed", "in_progress", "completed", "cancelled", "expired", "no_show"]
    for n in range(scale):
        site = SiteFactory.create(
            timezone=["Europe/Paris", "America/New_York", "Asia/Tokyo"][n % 3]
        )
        resource = ResourceFactory.create(
            site=site, hours={1: [(time(9), time(17))]} if n % 2 else None
        )
        ClosureFactory.create(site=None, resource=resource, start=paris(1, 8), end=paris(1, 10))
        ClosureFactory.create(site=site, start=paris(2, 8), end=paris(2, 9))
        for m, state in enumerate(states):
            _customer, vehicle = world.new_customer()
            raw_booking(
                world,
                paris((n + 2) % 5, 8) + timedelta(hours=m),  # from today on
                site=site,
                resource=resource,
                vehicle=vehicle,
                state=state,
                created_at=NOW - timedelta(hours=m),
            )


def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    world: World, operator_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _dashboard(operator_client)
        return len(queries)

    _populate(world, 1)
    operator_client.get(INDEX)  # the session and content types warmed
    small = count()
    _populate(world, 12)
    large = count()
    assert large == small
    # Session, user, the user's access (permissions and roles: one query, was 3), the recent
    # actions; the dashboard: the week's timezones (read once for today and the week: was 2),
    # today's counts (skipped in a week without bookings), the next arrivals, the pending with
    # their count (one query: was 2), the week's booked time, the sites with their resources (one
    # query: was 2), closures with date exceptions (one UNION ALL).
    with django_assert_max_num_queries(11):
        _dashboard(operator_client)


@pytest.mark.parametrize(
    ("language", "start", "expires", "week"),
    [
        ("en", "12/02/2026 2 p.m. CET", "12/02/2026 noon CET", "(11/30/2026 – 12/06/2026)"),
        ("fr", "02/12/2026 14:00 CET", "02/12/2026 12:00 CET", "(30/11/2026 – 06/12/2026)"),
    ],
)
def test_every_date_on_the_dashboard_has_the_operators_locale_short_format(
    world: World, operator_client: Client, language: str, start: str, expires: str, week: str
) -> None:
    raw_booking(world, paris(2, 14), state="pending", reference="BK-ONE", created_at=NOW)
    response = operator_client.get(INDEX, HTTP_ACCEPT_LANGUAGE=language)
    content = response.content.decode()
    board = content[content.index('id="bookings-dashboard"') : content.index('id="content-main"')]
    assert board.count(start) == 2  # in the next arrivals and in the bookings to confirm
    assert expires in board  # made 10:00 (site time) + the 2-hour window
    assert week in board
    assert not re.search(r"\d{4}-\d{2}-\d{2}", board)  # no ISO date left beside them


def test_a_booking_sent_back_to_pending_expires_a_window_after_that(
    world: World, operator_client: Client
) -> None:
    """A customer's reschedule sent a confirmed booking back to pending an hour ago: it expires
    a window after the reschedule, not after it was first made."""
    raw_booking(
        world,
        paris(4, 9),
        state="pending",
        reference="BK-MOVED",
        created_at=NOW - timedelta(days=2),
        pending_since=NOW - timedelta(hours=1),
    )
    dashboard, _content = _dashboard(operator_client)
    (row,) = dashboard.pending
    assert row.expires == "12/02/2026 11 a.m. CET"
    assert not row.overdue
