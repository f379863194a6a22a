"""The planning board's interactions: an empty cell explains itself for the chosen service (the
explain engine's reasons for that resource and start, the blocking bookings linked, on the
site's clock, the nearest offered starts; "free" when it is), as a page and as the panel's
fragment; a block moves to another start and/or resource through the reschedule use case, a
refusal saying why with the board unchanged; who may do either; constant query counts."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from bookings import services
from bookings.models import Booking, BookingEvent
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, change_url, fresh, messages_of, raw_booking
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

BOARD = f"{CHANGELIST}planning/"
# PostgreSQL: its locks (no lock-timeout statement since issue 16: the session's default).
MOVE_QUERIES = {"sqlite": 21, "postgresql": 22}
CELL = f"{CHANGELIST}planning/cell/"


def _confirmed(world: World, hour: int, minute: int = 0) -> Booking:
    booking = world.book(hour, minute)
    return services.booking_confirm(booking_id=booking.pk, actor=world.operator)


def _other_bay(world: World, booking: Booking) -> Any:
    return next(bay for bay in world.resources if bay.pk != booking.resource_id)


def _cell(client: Client, world: World, resource: Any, start: datetime, **extra: str) -> Any:
    query = {
        "site": world.site.pk,
        "resource": resource.pk,
        "start": start.isoformat(),
        "service": world.service.code,
        "category": "small",
        **extra,
    }
    return client.get(f"{CELL}?{urlencode(query)}")


def _move_url(booking: Booking) -> str:
    return f"{CHANGELIST}{booking.pk}/move/"


# The board


def test_the_board_offers_the_service_chooser_cells_and_moves(
    world: World, operator_client: Client
) -> None:
    booking = _confirmed(world, 10)
    response = operator_client.get(
        BOARD, {"site": str(world.site.pk), "day": world.day.date().isoformat()}
    )
    content = response.content.decode()
    assert f'<option value="{world.service.code}" selected>Full wash</option>' in content
    row = next(r for r in response.context["rows"] if r.pk == booking.resource_id)
    # The site's grid (15 minutes) over the shown hours, 08:00 to 18:00: 40 cells per resource.
    assert len(row.cells) == 40
    assert row.cells[9].label == "10:15"
    assert row.cells[9].start == at(world.day, 10, 15).isoformat()
    assert f"{CELL}?site={world.site.pk}&amp;service=full-wash&amp;category=small" in content
    assert f'data-move-url="{_move_url(booking)}"' in content
    assert f'href="{_move_url(booking)}?next=' in content  # the keyboard's "Move…" button
    assert "bookings/planning.js" in content
    assert "onclick" not in content
    assert "ondrop" not in content


def test_with_a_45_minute_step_the_afternoon_cells_are_the_offered_starts(
    operator_client: Client,
) -> None:
    """The cells follow the engine's grid, cut from each opening (13:30 in the afternoon), so
    that an afternoon cell is a start the site offers, not one explained as off the grid."""
    world = make_world(resources=1, slot_step_minutes=45)
    response = operator_client.get(
        BOARD, {"site": str(world.site.pk), "day": world.day.date().isoformat()}
    )
    (row,) = response.context["rows"]
    afternoon = [cell for cell in row.cells if cell.start >= at(world.day, 13, 30).isoformat()]
    assert [cell.label for cell in afternoon] == [
        "13:30",
        "14:15",
        "15:00",
        "15:45",
        "16:30",
        "17:15",
    ]
    cell = _cell(operator_client, world, world.resources[0], at(world.day, 14, 15))
    assert cell.context["free"] is True


def test_a_technician_gets_neither_cells_nor_moves(world: World) -> None:
    _confirmed(world, 10)
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, roles=["technician"]))
    content = client.get(
        BOARD, {"site": str(world.site.pk), "day": world.day.date().isoformat()}
    ).content
    assert b'planning-cell"' not in content
    assert b"data-move-url" not in content


# An empty cell explains itself


def test_a_taken_cell_names_the_booking_with_a_link(world: World, operator_client: Client) -> None:
    booking = _confirmed(world, 10)
    bay = next(b for b in world.resources if b.pk == booking.resource_id)
    response = _cell(operator_client, world, bay, at(world.day, 10, 30))
    assert response.status_code == 200
    assert response.context["free"] is False
    (reason,) = response.context["reasons"]
    assert reason.code == "taken"
    assert reason.message == "Booked at that time (a booking or its clean-up buffer)."
    (blocker,) = reason.bookings
    assert (blocker.reference, blocker.url, blocker.times) == (
        booking.reference,
        change_url(booking),
        "10:00–11:00",  # the site's clock
    )
    content = response.content.decode()
    assert f'<a href="{change_url(booking)}">{booking.reference}</a>' in content
    assert "<html" in content  # a plain admin page without JavaScript
    # The nearest offered starts of that bay: before the booking, and after it.
    assert (response.context["before"], response.context["after"]) == ("09:00", "11:00")


def test_every_reason_of_the_resource_is_listed(world: World, operator_client: Client) -> None:
    bay = world.resources[1]
    ClosureFactory.create(
        site=None, resource=bay, start=at(world.day, 11), end=at(world.day, 14), reason="Lift"
    )
    response = _cell(operator_client, world, bay, at(world.day, 11, 40))
    reasons = {r.code: r for r in response.context["reasons"]}
    assert list(reasons) == ["outside_opening_hours", "not_on_grid", "resource_closed"]
    assert reasons["not_on_grid"].details == ("Nearest start times of the grid: 11:30, -",)
    assert reasons["outside_opening_hours"].details == ("Hours that day: 08:00–12:00, 13:30–18:00",)
    assert reasons["resource_closed"].details == ("Closed 11:00–14:00: Lift",)


def test_a_free_cell_says_so(world: World, operator_client: Client) -> None:
    response = _cell(operator_client, world, world.resources[0], at(world.day, 15))
    assert response.context["free"] is True
    assert response.context["reasons"] == []
    assert "It is free: Bay 1 can take this service at this start." in response.content.decode()


def test_book_here_opens_the_desk_on_that_resource_and_start(
    world: World, operator_client: Client
) -> None:
    """ "Book here" on a free cell is the booking desk with the cell's site, resource, start,
    service and category filled in, that start chosen among the free ones."""
    import re
    from html import unescape

    bay, start = world.resources[1], at(world.day, 15)
    panel = _cell(operator_client, world, bay, start).content.decode()
    found = re.search(r'href="([^"]+)" data-action="book-here"', panel)
    assert found is not None, panel
    link = unescape(found.group(1))
    assert link.startswith(f"{CHANGELIST}book/?")
    desk = operator_client.get(link)
    assert desk.status_code == 200
    chosen = desk.context["desk"]
    assert (chosen.site.pk, chosen.resource, chosen.category) == (world.site.pk, bay.pk, "small")
    assert chosen.service["code"] == world.service.code
    (first_day,) = [day for day in desk.context["days"] if day.day == world.day.date()]
    assert [s.label for s in first_day.starts if s.chosen] == ["15:00"]


def test_the_fragment_is_the_panel_alone(world: World, operator_client: Client) -> None:
    response = _cell(
        operator_client, world, world.resources[0], at(world.day, 12, 30), fragment="1"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'data-code="outside_opening_hours"' in content
    assert "data-close" in content


def test_a_cell_in_french(world: World, operator_client: Client) -> None:
    ClosureFactory.create(
        site=None,
        resource=world.resources[0],
        start=at(world.day, 9),
        end=at(world.day, 10),
        reason="Pont",
    )
    response = _cell(operator_client, world, world.resources[0], at(world.day, 9), fragment="1")
    operator_client.cookies["django_language"] = "fr"
    french = _cell(operator_client, world, world.resources[0], at(world.day, 9), fragment="1")
    assert "Why is this not free?" in response.content.decode()
    text = french.content.decode()
    assert "Pourquoi" in text
    assert "Fermé 09:00–10:00 : Pont" in text


def test_a_bad_cell_is_a_message_not_an_error(world: World, operator_client: Client) -> None:
    response = operator_client.get(CELL, {"site": str(world.site.pk), "start": "tomorrow"})
    assert response.status_code == 400
    assert "Choose a cell of the planning board" in response.content.decode()
    unknown = _cell(operator_client, world, world.resources[0], at(world.day, 10), service="nope")
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("resource", "\u00b2"),  # a digit for str.isdigit, not for int()
        ("site", "\u00b2"),
        ("start", "0001-01-01T00:00+05:00"),
        ("start", "9999-12-31T23:59-05:00"),
    ],
)
def test_a_malformed_cell_is_a_400_not_an_error(
    world: World, operator_client: Client, field: str, value: str
) -> None:
    query = {
        "site": str(world.site.pk),
        "resource": str(world.resources[0].pk),
        "start": at(world.day, 10).isoformat(),
        "service": world.service.code,
        field: value,
    }
    response = operator_client.get(CELL, query)
    assert response.status_code == 400


def test_a_resource_of_another_site_is_a_bad_cell(world: World, operator_client: Client) -> None:
    elsewhere = ResourceFactory.create(site=SiteFactory.create())
    for resource in (elsewhere.pk, 99999):
        query = {
            "site": str(world.site.pk),
            "resource": str(resource),
            "start": at(world.day, 10).isoformat(),
        }
        response = operator_client.get(CELL, {**query, "service": world.service.code})
        assert response.status_code == 400
        assert "Choose a cell of the planning board" in response.content.decode()


def test_who_may_ask_a_cell(world: World) -> None:
    query = {"site": world.site.pk}
    assert Client().get(CELL, query).status_code == 302  # to the sign-in page
    for roles in (["technician"], []):
        client = Client()
        client.force_login(UserFactory.create(is_staff=True, roles=roles))
        assert _cell(client, world, world.resources[0], at(world.day, 10)).status_code == 403


@pytest.mark.parametrize("bookings", [1, 12])
def test_a_cell_costs_the_same_whatever_the_data(
    world: World,
    operator_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    bookings: int,
) -> None:
    bays = [*world.resources, *(ResourceFactory.create(site=world.site) for _n in range(4))]
    for n in range(bookings):
        _customer, vehicle = world.new_customer()
        start = at(world.day, 10 + n // len(bays))
        raw_booking(world, start, vehicle=vehicle, resource=bays[n % len(bays)])
    # Session, user, the user's access (permissions and roles: one query, was 3); the site's
    # resource names; the service; the site, its resources, its closures, its date exceptions,
    # the bookings; the blocking bookings' pages: none per booking or resource.
    with django_assert_max_num_queries(11):
        response = _cell(operator_client, world, world.resources[0], at(world.day, 10))
    assert response.context["reasons"][0].code == "taken"


# Moving a booking


def test_a_drop_on_another_bay_moves_the_booking(world: World, operator_client: Client) -> None:
    booking = _confirmed(world, 10)
    other = _other_bay(world, booking)
    here = f"{BOARD}?site={world.site.pk}&day={world.day.date()}"
    done = operator_client.post(
        _move_url(booking),
        {"resource": other.pk, "start": at(world.day, 10).isoformat(), "next": here},
    )
    assert done.status_code == 302
    assert done["Location"] == here
    moved = fresh(booking)
    assert (moved.resource_id, moved.start) == (other.pk, booking.start)
    event = BookingEvent.objects.get(booking=booking, action="reschedule")
    assert event.actor_id == world.operator.pk
    board = operator_client.get(here)
    assert messages_of(board) == [
        f"Booking {booking.reference} moved to {other.name} at "
        f"{at(world.day, 10):%Y-%m-%d %H:%M} CET."
    ]
    row = next(r for r in board.context["rows"] if r.pk == other.pk)
    assert [b.booking.pk for b in row.blocks] == [booking.pk]


def test_the_move_form_takes_a_wall_time_on_the_sites_clock(
    world: World, operator_client: Client
) -> None:
    booking = _confirmed(world, 10)
    page = operator_client.get(_move_url(booking))
    assert page.status_code == 200
    assert 'type="datetime-local"' in page.content.decode()
    operator_client.post(
        _move_url(booking),
        {"resource": booking.resource_id, "start": f"{world.day:%Y-%m-%d}T14:30"},
    )
    assert fresh(booking).start == at(world.day, 14, 30)


def test_a_refused_move_says_why_and_changes_nothing(world: World, operator_client: Client) -> None:
    booking = _confirmed(world, 10)
    blocker = _confirmed(world, 10)
    here = f"{BOARD}?site={world.site.pk}&day={world.day.date()}"
    done = operator_client.post(
        _move_url(booking),
        {"resource": blocker.resource_id, "start": at(world.day, 10, 15).isoformat(), "next": here},
        follow=True,
    )
    (message,) = messages_of(done)
    assert message.startswith(f"Booking {booking.reference} was not moved: ")
    assert "Booked at that time (a booking or its clean-up buffer)." in message
    assert blocker.reference in message
    again = fresh(booking)
    assert (again.resource_id, again.start) == (booking.resource_id, booking.start)
    assert not BookingEvent.objects.filter(booking=booking, action="reschedule").exists()


def test_a_move_needs_the_csrf_token(world: World) -> None:
    booking = _confirmed(world, 10)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.operator)
    refused = client.post(
        _move_url(booking),
        {"resource": _other_bay(world, booking).pk, "start": booking.start.isoformat()},
    )
    assert refused.status_code == 403
    assert fresh(booking).resource_id == booking.resource_id


def test_who_may_move(world: World) -> None:
    booking = _confirmed(world, 10)
    data = {"resource": _other_bay(world, booking).pk, "start": booking.start.isoformat()}
    technician = Client()
    technician.force_login(UserFactory.create(is_staff=True, roles=["technician"]))
    assert technician.post(_move_url(booking), data).status_code == 404  # not one of their jobs
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True, roles=[]))
    assert staff.post(_move_url(booking), data).status_code in (403, 404)
    assert fresh(booking).resource_id == booking.resource_id


@pytest.mark.parametrize("others", [0, 10])
def test_a_move_costs_the_same_whatever_the_data(
    world: World,
    operator_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    others: int,
) -> None:
    """The admin's session and the user's access (permissions and roles, one query), the
    booking, the site's resources, then the reschedule use case (its lock, the vehicle's other
    bookings, the assignment's reads, the save, the history row, the event; PostgreSQL adds its
    advisory lock); the use case's role check reads nothing (the same user)."""
    booking = _confirmed(world, 10)
    for n in range(others):
        _customer, vehicle = world.new_customer()
        hour = [8, 9, 11, 14, 16][n // 2]
        raw_booking(world, at(world.day, hour), vehicle=vehicle, resource=world.resources[n % 2])
    target = _other_bay(world, booking)
    with django_assert_max_num_queries(MOVE_QUERIES[connection.vendor]):
        operator_client.post(
            _move_url(booking), {"resource": target.pk, "start": at(world.day, 15).isoformat()}
        )
    assert fresh(booking).resource_id == target.pk


def test_a_move_refused_by_the_state_machine(world: World, operator_client: Client) -> None:
    booking = _confirmed(world, 10)
    services.booking_cancel(booking_id=booking.pk, actor=world.operator, reason="asked")
    done = operator_client.post(
        _move_url(booking),
        {"resource": _other_bay(world, booking).pk, "start": booking.start.isoformat()},
        follow=True,
    )
    assert messages_of(done) == ["A cancelled booking cannot be moved."]
    assert fresh(booking).resource_id == booking.resource_id


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "0001-01-01T00:00"]
)
def test_a_move_to_a_start_out_of_the_calendars_range_is_refused(
    world: World, operator_client: Client, start: str
) -> None:
    booking = _confirmed(world, 10)
    done = operator_client.post(
        _move_url(booking), {"resource": booking.resource_id, "start": start}, follow=True
    )
    assert done.status_code == 200
    (message,) = messages_of(done)
    assert message.startswith(f"Booking {booking.reference} was not moved:")
    assert "1970-01-02" in message
    assert fresh(booking).start == booking.start


# The "Move…" form's wall time on the autumn change (Europe/Paris, 2027-10-31: 02:00-03:00 twice)

SECOND_0230 = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, the second one


@pytest.fixture
def autumn(clock: FakeClock) -> tuple[World, Booking]:
    world = make_world(resources=2, hours={7: [(time(0), time(6))]})  # open that Sunday night
    clock.set(datetime(2027, 10, 25, 9, tzinfo=UTC))
    customer, vehicle = world.new_customer()
    request = services.BookingRequest(
        vehicle_id=vehicle.public_id,
        service_code=world.service.code,
        site_id=world.site.public_id,
        start=SECOND_0230,
    )
    booking = services.booking_create(actor=customer, request=request)
    assert booking.start == SECOND_0230
    return world, booking


def test_the_move_form_keeps_the_second_0230_of_the_repeated_hour(
    autumn: tuple[World, Booking], operator_client: Client
) -> None:
    world, booking = autumn
    other = _other_bay(world, booking)
    form = operator_client.get(_move_url(booking))
    assert form.context["form"].initial["start"] == "2027-10-31T02:30"
    done = operator_client.post(
        _move_url(booking), {"resource": other.pk, "start": "2027-10-31T02:30"}, follow=True
    )
    assert messages_of(done) == [
        f"Booking {booking.reference} moved to {other.name} at 2027-10-31 02:30 CET."
    ]
    moved = fresh(booking)
    assert (moved.resource_id, moved.start) == (other.pk, SECOND_0230)


def test_the_move_form_refuses_another_wall_time_of_the_repeated_hour(
    autumn: tuple[World, Booking], operator_client: Client
) -> None:
    world, booking = autumn
    data = {"resource": _other_bay(world, booking).pk, "start": "2027-10-31T02:15"}
    page = operator_client.post(_move_url(booking), data)
    assert page.status_code == 200  # the form again, with why
    (error,) = page.context["form"].errors["start"]
    assert "2027-10-31 02:15 happens twice" in error
    operator_client.cookies["django_language"] = "fr"
    french = operator_client.post(_move_url(booking), data)
    assert "a lieu deux fois" in french.context["form"].errors["start"][0]
    assert fresh(booking).resource_id == booking.resource_id
