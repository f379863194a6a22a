"""The bookings list of the back-office: site-local times, coloured states, filters (the day on
each site's own clock), search as people type it, who may see it, and a page that costs the same
number of queries whatever its size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

import core.clock
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, raw_booking
from tests.bookings.factories import PARIS, World, at
from tests.scheduling.factories import ResourceFactory, SiteFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def _references(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    assert response.status_code == 200
    return sorted(b.reference for b in response.context["cl"].result_list)


def test_the_list_shows_site_local_start_and_coloured_state(
    world: World, operator_client: Client
) -> None:
    customer = world.customer
    customer.first_name, customer.last_name = "Marie", "Curie"
    customer.save()
    raw_booking(world, at(world.day, 10), reference="BK-7F3K9Q", state="confirmed")
    tokyo = SiteFactory.create(name="Shibuya", timezone="Asia/Tokyo")
    raw_booking(
        world,
        datetime(2026, 7, 6, 1, 0, tzinfo=UTC),  # 10:00 in Tokyo
        site=tokyo,
        resource=ResourceFactory.create(site=tokyo, name="Bay T"),
        reference="BK-TOKYO2",
    )
    content = operator_client.get(CHANGELIST).content.decode()
    assert f"{world.day:%Y-%m-%d} 10:00 CE" in content  # CET or CEST: the site's clock
    assert "2026-07-06 10:00 JST" in content
    assert "booking-state-confirmed" in content
    assert "booking-state-pending" in content
    assert "Marie Curie &lt;" in content
    assert "50.00 EUR" in content
    assert "Bay T" in content


@pytest.mark.parametrize("size", [5, 30])
def test_the_changelist_costs_the_same_whatever_its_size(
    world: World,
    operator_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    size: int,
) -> None:
    for n in range(size):
        _other, vehicle = world.new_customer()
        raw_booking(
            world,
            at(world.day, 8) + timedelta(hours=n),
            vehicle=vehicle,
            resource=world.resources[n % 2],
            state=["pending", "confirmed", "cancelled"][n % 3],
        )
    # Session, user, the user's access (permissions and roles, one query: whether they are an
    # operator, else a technician sees only their jobs; was 3), the site/resource/service filter
    # choices, the count (unfiltered, the full count is the same: was 2), the page, 2 for the
    # date hierarchy: none of them per row.
    with django_assert_max_num_queries(10):
        response = operator_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == size
    # Filtered: + the full count ("N total") and the timezones of the day filter.
    with django_assert_max_num_queries(12):
        operator_client.get(CHANGELIST, {"day": "week", "state": "pending"})


def _counts(client: Client, query: dict[str, str]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return response, sum("COUNT(" in q["sql"] for q in queries.captured_queries)


def test_the_list_counts_once_unfiltered_and_shows_the_total_when_filtered(
    world: World, operator_client: Client
) -> None:
    empty, counts = _counts(operator_client, {})
    assert counts == 1
    assert not empty.context["cl"].show_admin_actions  # nothing to act on
    for n, state in enumerate(["pending", "pending", "confirmed"]):
        raw_booking(world, at(world.day, 9 + n), state=state)
    unfiltered, counts = _counts(operator_client, {})
    cl = unfiltered.context["cl"]
    assert counts == 1  # the full count is the list's own: not asked again
    assert (cl.result_count, cl.full_result_count) == (3, 3)
    assert cl.show_admin_actions
    assert 'name="action"' in unfiltered.content.decode()
    for query in ({"state__exact": "pending"}, {"q": "BK-"}):
        filtered, counts = _counts(operator_client, query)
        cl = filtered.context["cl"]
        assert counts == 2, query  # the list's and the full one
        assert cl.full_result_count == 3
        if "q" not in query:
            assert cl.result_count == 2
            assert "3 total" in filtered.content.decode()


@pytest.mark.parametrize("typed", ["bk7f3k9q", "BK-7F3K9Q", "7f3k 9q", "bk-7f3"])
def test_search_by_reference_as_typed(world: World, operator_client: Client, typed: str) -> None:
    raw_booking(world, at(world.day, 10), reference="BK-7F3K9Q")
    raw_booking(world, at(world.day, 11), reference="BK-ABCDEF")
    assert _references(operator_client.get(CHANGELIST, {"q": typed})) == ["BK-7F3K9Q"]


def test_search_by_plate_email_and_name(world: World, operator_client: Client) -> None:
    marie = UserFactory.create(email="marie@example.com", first_name="Marie", last_name="Curie")
    from tests.vehicles.factories import VehicleFactory

    raw_booking(
        world,
        at(world.day, 10),
        reference="BK-MARIE2",
        vehicle=VehicleFactory.create(owner=marie, plate="AB123CD"),
    )
    raw_booking(world, at(world.day, 11), reference="BK-OTHER3")
    for typed in ["ab-123 cd", "AB123", "marie@example", "marie curie", "Curie"]:
        assert _references(operator_client.get(CHANGELIST, {"q": typed})) == ["BK-MARIE2"], typed


def test_filters_by_state_site_resource_and_service(world: World, operator_client: Client) -> None:
    raw_booking(world, at(world.day, 9), reference="BK-PEND22", state="pending")
    raw_booking(
        world,
        at(world.day, 10),
        reference="BK-CONF22",
        state="confirmed",
        resource=world.resources[1],
    )
    other_site = SiteFactory.create(name="Nation")
    raw_booking(
        world,
        at(world.day, 11),
        reference="BK-NATN22",
        site=other_site,
        resource=ResourceFactory.create(site=other_site, name="Bay 1"),
    )

    assert _references(operator_client.get(CHANGELIST, {"state": "confirmed"})) == ["BK-CONF22"]
    assert _references(operator_client.get(CHANGELIST, {"site__id__exact": other_site.pk})) == [
        "BK-NATN22"
    ]
    by_resource = operator_client.get(CHANGELIST, {"resource__id__exact": world.resources[1].pk})
    assert _references(by_resource) == ["BK-CONF22"]
    # Two sites have a "Bay 1": the resource filter names each with its site.
    content = by_resource.content.decode()
    assert f"Bay 1 ({world.site.name})" in content
    assert "Bay 1 (Nation)" in content
    assert (
        len(_references(operator_client.get(CHANGELIST, {"service__id__exact": world.service.pk})))
        == 3
    )


def test_the_day_filter_uses_each_sites_clock(
    world: World, operator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sunday 18 January 2026, 22:30 UTC: 23:30 Sunday in Paris, 07:30 Monday in Tokyo.
    monkeypatch.setattr(core.clock, "utcnow", lambda: datetime(2026, 1, 18, 22, 30, tzinfo=UTC))
    tokyo = SiteFactory.create(name="Shibuya", timezone="Asia/Tokyo")
    tokyo_bay = ResourceFactory.create(site=tokyo)

    def paris(day: int, hour: int) -> datetime:
        return datetime(2026, 1, day, hour, tzinfo=PARIS)

    raw_booking(world, paris(18, 20), reference="BK-PSUN20")  # Paris today
    raw_booking(world, paris(19, 10), reference="BK-PMON10")  # Paris tomorrow
    raw_booking(world, paris(26, 10), reference="BK-PNEXTW")  # Paris next week
    raw_booking(
        world,
        datetime(2026, 1, 19, 1, tzinfo=UTC),  # Monday 10:00 in Tokyo: today there
        reference="BK-TMON10",
        site=tokyo,
        resource=tokyo_bay,
    )
    raw_booking(
        world,
        datetime(2026, 1, 18, 1, tzinfo=UTC),  # Sunday 10:00 in Tokyo: last week there
        reference="BK-TSUN10",
        site=tokyo,
        resource=tokyo_bay,
    )

    def day(kind: str) -> list[str]:
        return _references(operator_client.get(CHANGELIST, {"day": kind}))

    assert day("today") == ["BK-PSUN20", "BK-TMON10"]
    assert day("tomorrow") == ["BK-PMON10"]
    assert day("week") == ["BK-PSUN20", "BK-TMON10"]
    assert len(day("nonsense")) == 5  # an unknown value filters nothing


def test_operators_see_the_list_customers_do_not_reach_the_admin(
    world: World, operator_client: Client
) -> None:
    raw_booking(world, at(world.day, 10), reference="BK-SEEN22")
    assert "BK-SEEN22" in operator_client.get(CHANGELIST).content.decode()

    customer = Client()
    customer.force_login(world.customer)
    response = customer.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_technician_does_not_see_a_job_that_is_not_theirs(world: World) -> None:
    """Their own jobs: tests/bookings/admin/test_permissions.py."""
    booking = raw_booking(world, at(world.day, 10), state="confirmed")
    technician = UserFactory.create(is_staff=True, roles=["technician"])
    client = Client()
    client.force_login(technician)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    assert "cancel_selected" not in listing.content.decode()
    page = client.get(f"{CHANGELIST}{booking.pk}/change/")
    assert page.status_code == 302  # the admin's "does not exist" back to the index
    refused = client.post(f"{CHANGELIST}{booking.pk}/transition/start/")
    assert refused.status_code == 404
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"
