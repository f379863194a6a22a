"""GET /api/v1/sites and /api/v1/sites/{id}."""

from __future__ import annotations

from datetime import time
from uuid import uuid4

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from tests.scheduling.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_sites_are_listed_by_name_paginated_with_public_ids(api_client: APIClient) -> None:
    SiteFactory.create(name="Vincennes", latitude="48.847", longitude="2.439")
    SiteFactory.create(name="Bastille")
    response = api_client.get("/api/v1/sites")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [s["name"] for s in body["results"]] == ["Bastille", "Vincennes"]
    vincennes = body["results"][1]
    assert vincennes["latitude"] == pytest.approx(48.847)
    assert vincennes["slot_step_minutes"] == 15
    assert "pk" not in vincennes
    assert len(vincennes["id"]) == 36


def test_sites_filter_by_name(api_client: APIClient) -> None:
    SiteFactory.create(name="Vincennes")
    SiteFactory.create(name="Bastille")
    body = api_client.get("/api/v1/sites", {"name__icontains": "vinc"}).json()
    assert [s["name"] for s in body["results"]] == ["Vincennes"]


@pytest.mark.parametrize("size", [1, 3, 25])
def test_site_list_query_count_is_constant(
    api_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for _ in range(size):
        SiteFactory.create()
    with django_assert_num_queries(2):  # count + page
        assert api_client.get("/api/v1/sites", {"page_size": 100}).status_code == 200


def test_site_detail_has_opening_hours_in_order(api_client: APIClient) -> None:
    site = SiteFactory.create(hours={2: [(time(13, 30), time(18))], 1: [(time(8), time(12))]})
    body = api_client.get(f"/api/v1/sites/{site.public_id}").json()
    assert body["opening_hours"] == [
        {"weekday": 1, "opens": "08:00", "closes": "12:00"},
        {"weekday": 2, "opens": "13:30", "closes": "18:00"},
    ]
    assert body["timezone"] == "Europe/Paris"


def test_unknown_site_is_a_404_envelope(api_client: APIClient) -> None:
    response = api_client.get(f"/api/v1/sites/{uuid4()}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
