"""Reports in the back-office: the figures of a period from the bookings' snapshots, states,
utilisation, rates, fees, ratings and busiest hours; CSV per report; SVG charts inline (no
external script); operators only; the same queries whatever the period or the data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, raw_booking
from tests.bookings.factories import World, at
from tests.scheduling.factories import ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

REPORTS = f"{CHANGELIST}reports/"


def _get(client: Client, world: World, days: int = 7, **extra: Any) -> Any:
    first = world.day.date()
    params = {"from": first.isoformat(), "to": (first + timedelta(days=days - 1)).isoformat()}
    return client.get(REPORTS, {**params, **extra})


def _populate(world: World) -> None:
    bay1, bay2 = world.resources
    snapshot = {"tax_included": "8.33"}
    for hour in (9, 10):
        raw_booking(world, at(world.day, hour), state="completed", resource=bay1, rating=4,
                    price_snapshot=snapshot)  # fmt: skip
    raw_booking(world, at(world.day, 11), state="completed", resource=bay2, rating=5,
                price_snapshot=snapshot)  # fmt: skip
    raw_booking(world, at(world.day, 14), state="no_show", resource=bay2, fee=Decimal("50.00"))
    late = raw_booking(world, at(world.day, 15), state="cancelled", resource=bay1,
                       fee=Decimal("25.00"))  # fmt: skip
    late.cancelled_by = late.customer
    late.cancelled_at = late.start - timedelta(hours=3)
    late.save()
    raw_booking(world, at(world.day, 16), state="expired", resource=bay1)
    raw_booking(world, at(world.day + timedelta(days=30), 9), state="completed")  # outside


def test_the_figures_of_a_period(world: World, operator_client: Client) -> None:
    _populate(world)
    response = _get(operator_client, world)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.bookings == 6
    assert report.revenue.total == Decimal("150.00")
    assert report.revenue.tax == Decimal("24.99")
    assert report.by_state["completed"] == 3
    assert report.by_state["expired"] == 1
    assert (report.no_show.count, report.no_show.out_of) == (1, 4)
    assert report.no_show.percent == Decimal("25.0")
    assert (report.late_cancellation.count, report.late_cancellation.out_of) == (1, 5)
    assert (report.fees, report.fees_count) == (Decimal("75.00"), 2)
    assert [(r.name, r.count, r.average) for r in report.ratings_by_service] == [
        ("Full wash", 3, Decimal("4.3"))
    ]
    assert {r.name: r.average for r in report.ratings_by_resource} == {
        "Bay 1": Decimal("4.0"),
        "Bay 2": Decimal("5.0"),
    }
    utilisation = {line.resource: line for line in report.utilisation}
    # Monday to Friday 08:00-12:00 and 13:30-18:00 (8.5 h a day), five days in the week.
    assert utilisation["Bay 1"].open_minutes == 5 * 510
    assert utilisation["Bay 1"].booked_minutes == 120  # two completed hours (cancelled: none)
    assert utilisation["Bay 2"].booked_minutes == 120  # one completed, one no-show
    monday = report.heat[0]
    assert (monday[9], monday[10], monday[11], monday[14], monday[15]) == (1, 1, 1, 1, 0)
    page = response.content.decode()
    assert "<svg" in page
    assert "<script" not in page.split('id="content-main"')[1]
    assert 'data-rate="no-show">25' in page


def test_one_site_or_all(world: World, operator_client: Client) -> None:
    _populate(world)
    other = SiteFactory.create(name="Other")
    bay = ResourceFactory.create(site=other, name="Other bay")
    raw_booking(world, at(world.day, 9), state="completed", site=other, resource=bay)
    everything = _get(operator_client, world).context["report"]
    one = _get(operator_client, world, site=str(world.site.pk)).context["report"]
    assert everything.bookings == 7
    assert one.bookings == 6
    assert {line.resource for line in one.utilisation} == {"Bay 1", "Bay 2"}


@pytest.mark.parametrize(
    "name",
    ["revenue", "states", "utilisation", "rates", "fees", "ratings", "hours"],
)
def test_each_report_downloads_as_csv(world: World, operator_client: Client, name: str) -> None:
    _populate(world)
    response = _get(operator_client, world, export=name)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"report-{name}-all-sites-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) >= 2
    if name == "revenue":
        assert rows[1][:4] == ["3", "150.00", "24.99", "125.01"]
    if name == "utilisation":
        assert rows[1][:4] == [world.site.name, "Bay 1", "120", str(5 * 510)]


def test_only_operators_see_reports(world: World) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(REPORTS).status_code in {302, 403}
    technician = UserFactory.create(is_staff=True)
    from django.contrib.auth.models import Group

    technician.groups.add(Group.objects.get(name="technician"))
    client.force_login(technician)
    assert client.get(REPORTS).status_code == 403


def test_a_bad_period_shows_a_message(world: World, operator_client: Client) -> None:
    response = operator_client.get(REPORTS, {"from": "nonsense", "to": "2026-13-01"})
    assert response.status_code == 200
    first = world.day.date()
    long = operator_client.get(
        REPORTS, {"from": (first - timedelta(days=900)).isoformat(), "to": first.isoformat()}
    )
    period = long.context["period"]
    assert (period.last - period.first).days == 365


@pytest.mark.parametrize("days", [1, 365])
def test_the_page_costs_the_same_whatever_the_period_or_the_data(
    world: World,
    operator_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    days: int,
) -> None:
    _populate(world)
    for n in range(20):
        raw_booking(world, at(world.day + timedelta(days=n % 5), 8), state="completed")
    # Session, user, the user's access (permissions and roles: one query, was 3), the sites
    # (their clocks are the bookings': the bookings' timezones are not read), the rows, open
    # time: the sites with their resources (one query: was 2), closures with date exceptions
    # (one UNION ALL).
    with django_assert_max_num_queries(7):
        assert _get(operator_client, world, days=days).status_code == 200
    with django_assert_max_num_queries(7):
        assert _get(operator_client, world, days=days, export="hours").status_code == 200
