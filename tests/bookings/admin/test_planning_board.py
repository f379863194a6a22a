"""The planning board: one site, one local day, resources x opening hours, each booking a block
at its real position (daylight-saving days included), closed time and closures shaded, day
navigation, the "now" line on today only, quick actions that go through the services and come
back to the board, who may see it, and a cost in queries that does not grow with the data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from bookings.models import Booking, BookingEvent
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, change_url, fresh, raw_booking
from tests.bookings.factories import PARIS, World, at
from tests.conftest import FakeClock
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

BOARD = f"{CHANGELIST}planning/"


def board(client: Client, site: Any, day: date | datetime, **extra: str) -> Any:
    if isinstance(day, datetime):
        day = day.date()
    response = client.get(BOARD, {"site": site.pk, "day": day.isoformat(), **extra})
    assert response.status_code == 200
    return response


def rows(response: Any) -> dict[str, Any]:
    return {row.name: row for row in response.context["rows"]}


def block_of(response: Any, booking: Booking) -> Any:
    return next(
        block
        for row in response.context["rows"]
        for block in row.blocks
        if block.booking.pk == booking.pk
    )


def shades(row: Any, kind: str) -> list[tuple[str, str]]:
    return [(s.left, s.width) for s in row.shades if s.kind == kind]


def test_blocks_sit_at_their_real_time_on_the_opening_hours(
    world: World, operator_client: Client
) -> None:
    bay1, bay2 = world.resources
    first = raw_booking(world, at(world.day, 9), state="confirmed", resource=bay1)
    # 30 minutes of work then a 15-minute clean-up buffer, shown lighter after the block.
    second = raw_booking(
        world,
        at(world.day, 14),
        end=at(world.day, 14, 30),
        blocked_until=at(world.day, 14, 45),
        state="pending",
        resource=bay2,
    )
    response = board(operator_client, world.site, world.day)
    # The site opens 08:00-12:00 and 13:30-18:00: the scale runs 08:00 to 18:00 (10 hours).
    assert [t.label for t in response.context["ticks"]] == [f"{h:02d}:00" for h in range(8, 19)]
    assert response.context["ticks"][2].left == "20.000"
    one = block_of(response, first)
    assert (one.left, one.width, one.buffer_width) == ("10.000", "10.000", "")
    two = block_of(response, second)
    assert (two.left, two.width) == ("60.000", "5.000")
    assert (two.buffer_left, two.buffer_width) == ("65.000", "2.500")
    content = response.content.decode()
    # Real links to the change page, coloured by state, labelled with time, plate and service.
    link = re.search(
        rf'<a class="planning-block[^>]*data-booking="{first.reference}"[^>]*>', content
    )
    assert link is not None
    assert f'href="{change_url(first)}"' in link.group(0)
    assert "background:#2b6cb0" in link.group(0)  # confirmed, as in the list's badge
    assert 'style="left:10.000%;width:10.000%' in link.group(0)
    assert "09:00" in content
    assert "Full wash" in content
    assert one.plate in content
    assert "background:#b7791f" in content  # pending


def test_cancelled_and_expired_bookings_are_not_on_the_board(
    world: World, operator_client: Client
) -> None:
    shown = {
        state: raw_booking(world, at(world.day, 8 + n), state=state)
        for n, state in enumerate(
            ["pending", "confirmed", "in_progress", "completed", "no_show", "cancelled", "expired"]
        )
    }
    response = board(operator_client, world.site, world.day)
    on_board = {b.booking.state for row in response.context["rows"] for b in row.blocks}
    assert on_board == {"pending", "confirmed", "in_progress", "completed", "no_show"}
    assert shown["cancelled"].reference not in response.content.decode()


def test_a_daylight_saving_day_has_its_real_hours(operator_client: Client, world: World) -> None:
    # Europe/Paris, Sunday 29 March 2026: at 02:00 the clock jumps to 03:00. A site open from
    # 00:00 to 06:00 on the wall clock is open 5 real hours that day.
    site = SiteFactory.create(hours={7: [(time(0), time(6))]})
    bay = ResourceFactory.create(site=site, name="Night bay")
    booking = raw_booking(
        world,
        datetime(2026, 3, 29, 1, 0, tzinfo=PARIS),  # 01:00 CET
        end=datetime(2026, 3, 29, 4, 0, tzinfo=PARIS),  # 04:00 CEST: 2 real hours later
        site=site,
        resource=bay,
        state="completed",
    )
    response = board(operator_client, site, date(2026, 3, 29))
    ticks = [(t.label, t.left) for t in response.context["ticks"]]
    assert ticks == [
        ("00:00", "0.000"),
        ("01:00", "20.000"),
        ("03:00", "40.000"),  # there is no 02:00 that day
        ("04:00", "60.000"),
        ("05:00", "80.000"),
        ("06:00", "100.000"),
    ]
    block = block_of(response, booking)
    assert (block.left, block.width) == ("20.000", "40.000")
    assert (block.starts, block.ends) == ("01:00", "04:00")

    # Sunday 25 October 2026: 03:00 goes back to 02:00; the same opening lasts 7 real hours.
    autumn = board(operator_client, site, date(2026, 10, 25))
    labels = [t.label for t in autumn.context["ticks"]]
    assert labels == ["00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00", "06:00"]


def test_closed_time_and_closures_are_shaded(world: World, operator_client: Client) -> None:
    _bay1, bay2 = world.resources
    short = ResourceFactory.create(site=world.site, name="Bay 3", hours={1: [(time(10), time(12))]})
    ClosureFactory.create(
        site=world.site, start=at(world.day, 14), end=at(world.day, 16), reason="Inventory"
    )
    ClosureFactory.create(
        site=None, resource=bay2, start=at(world.day, 8), end=at(world.day, 9), reason="Repair"
    )
    response = board(operator_client, world.site, world.day)
    by_name = rows(response)
    assert list(by_name) == ["Bay 1", "Bay 2", "Bay 3"]
    # The lunch break (12:00-13:30) of the site on every row.
    assert shades(by_name["Bay 1"], "closed") == [("40.000", "15.000")]
    # Bay 3's own hours (10:00-12:00, a Monday) narrow the site's.
    assert shades(by_name["Bay 3"], "closed") == [("0.000", "20.000"), ("40.000", "60.000")]
    # The site's closure on every row, the resource's on its own row only.
    assert shades(by_name["Bay 1"], "closure") == [("60.000", "20.000")]
    assert shades(by_name["Bay 2"], "closure") == [("60.000", "20.000"), ("0.000", "10.000")]
    assert shades(by_name["Bay 3"], "closure") == [("60.000", "20.000")]
    content = response.content.decode()
    assert "Site closed from 14:00 to 16:00: Inventory" in content
    assert 'title="Closure: Repair"' in content
    assert short.name in content


def test_a_day_the_site_is_closed_still_shows_a_frame(
    world: World, operator_client: Client
) -> None:
    sunday = world.day + timedelta(days=6)
    response = board(operator_client, world.site, sunday)
    assert response.context["closed_all_day"]
    assert response.context["ticks"][0].label == "08:00"
    assert shades(rows(response)["Bay 1"], "closed") == [("0.000", "100.000")]
    assert "The site is closed all day." in response.content.decode()


def test_previous_and_next_day_links_and_the_date_picker(
    world: World, operator_client: Client
) -> None:
    response = board(operator_client, world.site, world.day)
    content = response.content.decode()
    before = (world.day - timedelta(days=1)).date().isoformat()
    after = (world.day + timedelta(days=1)).date().isoformat()
    assert f"{BOARD}?site={world.site.pk}&amp;day={before}" in content
    assert f"{BOARD}?site={world.site.pk}&amp;day={after}" in content
    assert f'type="date" name="day" value="{world.day.date().isoformat()}"' in content
    assert f'<option value="{world.site.pk}" selected>' in content
    following = operator_client.get(response.context["next_url"])
    assert following.context["day"] == (world.day + timedelta(days=1)).date()


def test_the_board_opens_on_today_on_the_site_clock_with_the_now_line(
    world: World, operator_client: Client, clock: FakeClock
) -> None:
    # 23:30 UTC on Sunday is already Monday 00:30 in Paris; then 10:30 on that Monday.
    monday = world.day.date()
    clock.set(datetime.combine(monday, time(0, 30), tzinfo=PARIS).astimezone(UTC))
    response = operator_client.get(BOARD)
    assert response.context["site"].pk == world.site.pk
    assert response.context["day"] == monday
    assert response.context["now_left"] is None  # before the first hour shown: no line

    clock.set(at(world.day, 10, 30))
    today = board(operator_client, world.site, world.day)
    assert today.context["now_left"] == "25.000"
    assert 'class="planning-now" style="left:25.000%"' in today.content.decode()
    tomorrow = board(operator_client, world.site, world.day + timedelta(days=1))
    assert tomorrow.context["now_left"] is None
    assert "planning-now" not in tomorrow.content.decode()


def test_bad_parameters_show_a_message_not_an_error(world: World, operator_client: Client) -> None:
    response = operator_client.get(BOARD, {"site": "nope", "day": "2026-13-45"})
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "No site has this id: showing the first site.",
        "Enter a date as YYYY-MM-DD: showing today.",
    ]
    far = operator_client.get(BOARD, {"site": str(world.site.pk), "day": "9999-12-31"})
    assert far.status_code == 200


def test_links_to_the_board_from_the_list_and_the_change_page(
    world: World, operator_client: Client
) -> None:
    booking = raw_booking(world, at(world.day, 9), state="confirmed")
    listing = operator_client.get(CHANGELIST).content.decode()
    assert f'href="{BOARD}"' in listing
    page = operator_client.get(change_url(booking)).content.decode()
    assert f"{BOARD}?site={world.site.pk}&amp;day={world.day.date().isoformat()}" in page
    assert "See on the planning board" in page


def test_who_may_see_the_board(world: World) -> None:
    anonymous = Client().get(BOARD)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True, roles=[]))
    assert staff.get(BOARD).status_code == 403
    customer = Client()
    customer.force_login(world.customer)
    assert customer.get(BOARD).status_code == 302


@pytest.mark.parametrize(("resources", "bookings"), [(2, 2), (10, 40)])
def test_the_board_costs_the_same_whatever_the_data(
    operator_client: Client,
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    resources: int,
    bookings: int,
) -> None:
    bays = [*world.resources]
    bays += [
        ResourceFactory.create(site=world.site, name=f"Bay {n}") for n in range(3, resources + 1)
    ]
    ClosureFactory.create(site=world.site, start=at(world.day, 16), end=at(world.day, 17))
    for n in range(bookings):
        _customer, vehicle = world.new_customer()
        raw_booking(
            world,
            at(world.day, 8 + n // len(bays)),
            vehicle=vehicle,
            resource=bays[n % len(bays)],
            state=["pending", "confirmed", "completed", "no_show"][n % 4],
        )
    SiteFactory.create()  # another site to choose
    # Session, user, the user's access (permissions and roles: one query, was 3), the sites with
    # their hours (the chosen site's not read again: was 2), its resources, its closures, its
    # date exceptions, the bookings, the active services (the empty cells' chooser): none of
    # them per booking, resource or site.
    with django_assert_max_num_queries(9):
        response = board(operator_client, world.site, world.day)
    assert len(response.context["agenda"]) == bookings
    assert len(response.context["rows"]) == resources


def test_quick_confirm_from_the_board_comes_back_to_it(
    world: World, operator_client: Client
) -> None:
    booking = world.book(10)
    response = board(operator_client, world.site, world.day)
    here = response.context["here"]
    actions = [a.action for a in block_of(response, booking).actions]
    assert actions == ["confirm", "cancel", "reschedule"]
    confirm = f"{CHANGELIST}{booking.pk}/transition/confirm/"
    content = response.content.decode()
    assert f'action="{confirm}"' in content
    done = operator_client.post(confirm, {"next": here})
    assert done.status_code == 302
    assert done["Location"] == here
    saved = fresh(booking)
    assert saved.state == "confirmed"
    event = BookingEvent.objects.filter(booking=booking).order_by("-at", "-pk").first()
    assert event is not None
    assert (event.action, event.to_state, event.actor_id) == (
        "confirm",
        "confirmed",
        world.operator.pk,
    )
    again = operator_client.get(here)
    assert block_of(again, booking).booking.state == "confirmed"
    assert [m.message for m in again.context["messages"]] == [
        f"Booking {booking.reference} confirmed."
    ]


def test_an_outside_next_is_ignored(world: World, operator_client: Client) -> None:
    booking = world.book(10)
    done = operator_client.post(
        f"{CHANGELIST}{booking.pk}/transition/confirm/", {"next": "https://evil.example/"}
    )
    assert done["Location"] == change_url(booking)
    assert fresh(booking).state == "confirmed"


def test_a_technician_sees_the_board_without_actions(world: World) -> None:
    raw_booking(world, at(world.day, 9), state="confirmed")
    technician = UserFactory.create(is_staff=True, roles=["technician"])
    client = Client()
    client.force_login(technician)
    response = client.get(BOARD, {"site": str(world.site.pk), "day": world.day.date().isoformat()})
    assert response.status_code == 200
    assert all(not block.actions for block in response.context["agenda"])
    assert "data-action" not in response.content.decode()


@pytest.mark.parametrize(
    ("roles", "linked"),
    [(["operator"], True), (["technician"], True), ([], False)],
    ids=["operator", "technician", "staff-without-permission"],
)
def test_the_admin_index_links_the_planning_board_for_who_may_open_it(
    world: World, roles: list[str], linked: bool
) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, roles=roles))
    content = client.get("/admin/").content.decode()
    assert (f'href="{BOARD}"' in content) is linked
    if linked:
        assert client.get(BOARD).status_code == 200


def test_a_public_holiday_and_a_date_exception_are_shown_on_the_board(
    world: World, operator_client: Client
) -> None:
    from scheduling import services
    from scheduling.models import DateException
    from tests.accounts.factories import OperatorFactory

    site = SiteFactory.create(name="Holiday site", country="FR")
    ResourceFactory.create(site=site, name="Bay 1")
    christmas = date(2026, 12, 25)  # a Friday: normally open
    response = board(operator_client, site, christmas, lang="en")
    page = response.content.decode()
    assert response.context["holiday"] in {"Christmas Day", "Noël"}
    assert response.context["closed_all_day"]
    assert 'data-special-day="holiday"' in page
    services.date_exception_create(
        site=site,
        day=christmas,
        kind=DateException.Kind.HOURS,
        intervals=[(time(9), time(12))],
        reason="Emergency repairs only",
        actor=OperatorFactory.create(),
    )
    response = board(operator_client, site, christmas)
    page = response.content.decode()
    assert not response.context["closed_all_day"]
    assert 'data-special-day="hours"' in page
    assert "Emergency repairs only" in page
