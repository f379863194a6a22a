"""GET /api/v1/availability/suggest: next free starts near a position."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from rest_framework.test import APIClient

from pricing.models import Service
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/availability/suggest"
PARIS_CENTRE = {"lat": "48.8566", "lon": "2.3522"}


@pytest.fixture
def wash() -> Service:
    return ServiceFactory.create(code="wash", base_duration_minutes=60)


def query(**extra: str | int) -> dict[str, str | int]:
    return {"service": "wash", "category": "small", **PARIS_CENTRE, **extra}


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def test_ordered_by_start_then_distance_within_the_radius(
    api_client: APIClient, wash: Service
) -> None:
    everyday = {key: [(time(8), time(10))] for key in range(1, 8)}
    near = SiteFactory.create(name="Near", latitude="48.8600", longitude="2.3500", hours=everyday)
    far = SiteFactory.create(name="Far", latitude="48.9000", longitude="2.3500", hours=everyday)
    lyon = SiteFactory.create(name="Lyon", latitude="45.7640", longitude="4.8357", hours=everyday)
    for site in (near, far, lyon):
        ResourceFactory.create(site=site)
    after = f"{next_monday()}T00:00:00+01:00"
    body = api_client.get(URL, query(after=after, limit=4, radius_km=10)).json()
    found = [(s["start"][:16], s["site"]["name"]) for s in body["suggestions"]]
    day = next_monday().isoformat()
    assert found == [
        (f"{day}T08:00", "Near"),
        (f"{day}T08:00", "Far"),
        (f"{day}T08:15", "Near"),
        (f"{day}T08:15", "Far"),
    ]
    assert body["suggestions"][0]["distance_km"] < body["suggestions"][1]["distance_km"] < 10


def test_part_of_day_weekdays_and_closures(api_client: APIClient, wash: Service) -> None:
    week = {key: [(time(9), time(19))] for key in range(1, 8)}
    site = SiteFactory.create(latitude="48.8566", longitude="2.3522", hours=week)
    ResourceFactory.create(site=site)
    monday = next_monday()
    ClosureFactory.create(
        site=site,
        start=f"{monday}T00:00:00+00:00",
        end=f"{monday + timedelta(days=1)}T00:00:00+00:00",
    )
    body = api_client.get(
        URL,
        query(after=f"{monday}T00:00:00Z", part_of_day="evening", weekdays="1,2", limit=3),
    ).json()
    starts = [s["start"] for s in body["suggestions"]]
    tuesday = (monday + timedelta(days=1)).isoformat()
    assert [s[:16] for s in starts] == [f"{tuesday}T17:00", f"{tuesday}T17:15", f"{tuesday}T17:30"]


def test_nothing_within_the_radius_is_an_empty_list(api_client: APIClient, wash: Service) -> None:
    SiteFactory.create(latitude="45.7640", longitude="4.8357")
    body = api_client.get(URL, query(radius_km=50)).json()
    assert body["suggestions"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": "91"}, "lat"),
        ({"lon": "abc"}, "lon"),
        ({"lat": "nan"}, "lat"),
        ({"radius_km": "-1"}, "radius_km"),
        ({"part_of_day": "night"}, "part_of_day"),
        ({"weekdays": "8"}, "weekdays"),
        ({"limit": "0"}, "limit"),
        ({"after": "2026-06-01T08:00:00"}, "after"),
    ],
)
def test_bad_input_is_a_400_envelope(
    api_client: APIClient, wash: Service, change: dict[str, str], field: str
) -> None:
    response = api_client.get(URL, query(**change))
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]


def test_an_unknown_service_is_a_404_as_in_a_quote(api_client: APIClient, wash: Service) -> None:
    response = api_client.get(URL, query(service="nope"))
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "service_not_found"
