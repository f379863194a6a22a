"""GET /api/v1/availability: free starts on the site's clock, the envelope on bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from pricing.models import Service
from scheduling.models import Site
from tests.accounts.factories import OperatorFactory
from tests.pricing.factories import CategoryOverrideFactory, OptionFactory, ServiceFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/availability"


def next_monday(weeks: int = 1) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


@pytest.fixture
def site() -> Site:
    site = SiteFactory.create(name="Nation", hours=[(time(8), time(10))])
    ResourceFactory.create(site=site, name="Bay A")
    ResourceFactory.create(site=site, name="Bay B")
    return site


@pytest.fixture
def wash() -> Service:
    return ServiceFactory.create(code="wash", base_duration_minutes=60, buffer_after_minutes=15)


def params(site: Site, **extra: str | list[str]) -> dict[str, str | list[str]]:
    day = next_monday().isoformat()
    return {"service": "wash", "category": "small", "site": str(site.public_id), "from": day,
            "to": day, **extra}  # fmt: skip


def test_free_starts_on_the_site_clock_with_resource_counts(
    api_client: APIClient, site: Site, wash: Service
) -> None:
    response = api_client.get(URL, params(site))
    assert response.status_code == 200, response.content
    body = response.json()
    monday = next_monday()
    assert body["site"] == {"id": str(site.public_id), "name": "Nation", "timezone": "Europe/Paris"}
    assert body["service"]["duration_minutes"] == 60
    assert body["from"].startswith(f"{monday.isoformat()}T00:00:00+0")
    starts = body["starts"]
    assert [s["start"][11:16] for s in starts] == ["08:00", "08:15", "08:30", "08:45", "09:00"]
    offset = starts[0]["start"][19:]
    assert offset in {"+01:00", "+02:00"}
    assert starts[0]["end"][11:16] == "09:00"
    assert {s["free_resources"] for s in starts} == {2}
    assert all(s["resources"] is None for s in starts)


def test_category_override_and_repeated_or_comma_options_change_the_duration(
    api_client: APIClient, site: Site, wash: Service
) -> None:
    CategoryOverrideFactory.create(service=wash, category="van", duration_minutes=90)
    OptionFactory.create(code="wax", extra_duration_minutes=15, services=[wash])
    OptionFactory.create(code="seats", extra_duration_minutes=15, services=[wash])
    van = api_client.get(URL, params(site, category="van")).json()
    assert [s["start"][11:16] for s in van["starts"]] == ["08:00", "08:15", "08:30"]
    comma = api_client.get(URL, params(site, options="wax,seats")).json()
    repeated = api_client.get(URL, params(site, options=["wax", "seats"])).json()
    assert comma["service"]["duration_minutes"] == 90
    assert comma["starts"] == repeated["starts"]


def test_operators_may_see_which_resources(
    api_client: APIClient, client_for: Callable[[User], APIClient], site: Site, wash: Service
) -> None:
    operator = OperatorFactory.create()
    body = client_for(operator).get(URL, params(site, include_resources="true")).json()
    ids = {str(r.public_id) for r in site.resources.all()}
    assert set(body["starts"][0]["resources"]) == ids
    refused = api_client.get(URL, params(site, include_resources="true"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_with_a_vehicle_of_mine_and_not_of_someone_else(
    api_client: APIClient, client_for: Callable[[User], APIClient], site: Site, wash: Service
) -> None:
    CategoryOverrideFactory.create(service=wash, category="van", duration_minutes=120)
    mine = VehicleFactory.create(category="van")
    query = params(site, vehicle=str(mine.public_id))
    del query["category"]
    body = client_for(mine.owner).get(URL, query).json()
    assert [s["start"][11:16] for s in body["starts"]] == ["08:00"]
    stranger = client_for(VehicleFactory.create().owner).get(URL, query)
    assert stranger.status_code == 404
    assert api_client.get(URL, query).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"site": "not-a-uuid"}, "site"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-06-01T08:00:00"}, "from"),  # naive
        ({"to": "yesterday"}, "to"),
        ({"to": "9999-12-31"}, "to"),
        ({"category": "tank"}, "category"),
        ({"category": None}, "category"),  # neither: said on `category`, as in a quote
    ],
)
def test_bad_input_is_a_400_envelope(
    api_client: APIClient, site: Site, wash: Service, change: dict[str, str | None], field: str
) -> None:
    query = {k: v for k, v in {**params(site), **change}.items() if v is not None}
    response = api_client.get(URL, query)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["details"]
    assert error["request_id"]


@pytest.mark.parametrize(
    ("change", "code"),
    [({"service": "nope"}, "service_not_found"), ({"site": str(uuid4())}, "site_not_found")],
)
def test_an_unknown_service_or_site_is_a_404_as_in_a_quote(
    api_client: APIClient, site: Site, wash: Service, change: dict[str, str], code: str
) -> None:
    response = api_client.get(URL, {**params(site), **change})
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == code


def test_period_rules(api_client: APIClient, site: Site, wash: Service) -> None:
    monday = next_monday()
    too_long = api_client.get(URL, params(site, to=(monday + timedelta(days=31)).isoformat()))
    assert too_long.status_code == 400
    assert "to" in too_long.json()["error"]["details"]
    backwards = api_client.get(URL, params(site, to=(monday - timedelta(days=1)).isoformat()))
    assert backwards.status_code == 400
    month = api_client.get(URL, params(site, to=(monday + timedelta(days=30)).isoformat()))
    assert month.status_code == 200


def test_aware_datetimes_bound_the_period(api_client: APIClient, site: Site, wash: Service) -> None:
    monday = next_monday()
    paris = ZoneInfo("Europe/Paris")
    start = datetime.combine(monday, time(8, 20), tzinfo=paris)
    end = datetime.combine(monday, time(8, 50), tzinfo=paris)
    query = params(site, **{"from": start.isoformat(), "to": end.astimezone(UTC).isoformat()})
    body = api_client.get(URL, query).json()
    assert [s["start"][11:16] for s in body["starts"]] == ["08:30", "08:45"]
    # An unencoded "+" arrives as a space: still understood.
    spaced = (
        f"{URL}?service=wash&category=small&site={site.public_id}"
        f"&from={start.isoformat()}&to={monday}"
    )
    assert len(api_client.get(spaced).json()["starts"]) == 3


def test_query_count_does_not_depend_on_days_or_resources(
    api_client: APIClient, wash: Service
) -> None:
    small = SiteFactory.create(hours=[(time(9), time(10))])
    ResourceFactory.create(site=small)
    large = SiteFactory.create(hours=[(time(8), time(12)), (time(13), time(19))])
    for _ in range(15):
        ResourceFactory.create(site=large, hours={d: [(time(8), time(18))] for d in (1, 2, 3, 4)})

    def count(site: Site, days: int) -> int:
        query = params(site, to=(next_monday() + timedelta(days=days - 1)).isoformat())
        api_client.get(URL, query)  # the catalogue is cached after a first read
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(URL, query).status_code == 200
        return len(queries)

    counts = {count(small, 1), count(small, 31), count(large, 1), count(large, 31)}
    assert len(counts) == 1
    assert counts.pop() <= 4  # the catalogue's read included; scheduling's own share is 3


def test_api_path_reads_14_days_of_20_busy_resources_in_4_queries(
    api_client: APIClient,
    client_for: Callable[[User], APIClient],
    wash: Service,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # Issue 16: the catalogue (service, the category's override, the asked options) in one
    # query, the site and its resources with their hours in one, closures and date exceptions
    # (issue 17) in one, busy time.
    from tests.bookings.factories import BookingFactory

    CategoryOverrideFactory.create(service=wash, category="small", duration_minutes=45)
    OptionFactory.create(code="wax", extra_duration_minutes=15, services=[wash])
    OptionFactory.create(code="seats", extra_duration_minutes=30, services=[wash])
    site = SiteFactory.create(hours=[(time(8), time(12)), (time(13), time(19))])
    bays = [ResourceFactory.create(site=site, name=f"Bay {n:02d}") for n in range(20)]
    vehicle = VehicleFactory.create(category="small")
    monday = next_monday()
    for day in range(14):
        for bay in bays[:18]:  # the last two stay free
            start = datetime.combine(monday + timedelta(days=day), time(9), tzinfo=UTC)
            BookingFactory.create(
                vehicle=VehicleFactory.create(owner=vehicle.owner),
                service=wash,
                site=site,
                resource=bay,
                start=start,
                state="confirmed",
            )
    query = params(
        site, options="wax", to=(monday + timedelta(days=13)).isoformat(), include_resources="false"
    )
    with django_assert_max_num_queries(4):
        body = api_client.get(URL, query).json()
    assert body["service"]["duration_minutes"] == 60  # 45 for a small car, 15 for the wax
    assert len(body["starts"]) > 0
    nine = [s for s in body["starts"] if s["start"][11:16] == "09:00"]
    assert nine
    assert {s["free_resources"] for s in nine} == {2}  # the 18 booked ones are not free
    # With one's own vehicle: the vehicle's read comes on top.
    owner_query = {k: v for k, v in query.items() if k != "category"} | {
        "vehicle": str(vehicle.public_id)
    }
    owner = client_for(vehicle.owner)
    with django_assert_max_num_queries(6):  # + the user (session/JWT) and the vehicle
        assert owner.get(URL, owner_query).status_code == 200


def test_public_holidays_and_date_exceptions_are_shown_and_honoured(
    api_client: APIClient, wash: Service
) -> None:
    from scheduling import services
    from scheduling.models import DateException

    site = SiteFactory.create(name="Holiday", hours={d: [(time(8), time(10))] for d in range(1, 8)},
                       country="FR")  # fmt: skip
    ResourceFactory.create(site=site)
    today = date.today()
    year = today.year if date(today.year, 12, 25) > today + timedelta(days=2) else today.year + 1
    christmas, boxing_day = date(year, 12, 25), date(year, 12, 26)
    services.date_exception_create(
        site=site,
        day=boxing_day,
        kind=DateException.Kind.HOURS,
        intervals=[(time(9), time(10))],
        reason="Short day",
        actor=OperatorFactory.create(),
    )
    site.horizon_days = 365
    site.save()
    query = {"service": "wash", "category": "small", "site": str(site.public_id),
             "from": christmas.isoformat(), "to": boxing_day.isoformat()}  # fmt: skip
    response = api_client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["start"][:16] for s in body["starts"]] == [f"{boxing_day.isoformat()}T09:00"]
    assert body["special_days"] == [
        {"date": christmas.isoformat(), "kind": "holiday", "holiday": "Christmas Day",
         "reason": "", "hours": []},
        {"date": boxing_day.isoformat(), "kind": "hours", "holiday": "", "reason": "Short day",
         "hours": [{"opens": "09:00", "closes": "10:00"}]},
    ]  # fmt: skip
    french = api_client.get(URL, query, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["special_days"][0]["holiday"] == "Noël"
