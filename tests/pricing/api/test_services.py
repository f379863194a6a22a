"""GET services and services/<code>: the public, cached catalogue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from pricing import services
from tests.accounts.factories import OperatorFactory
from tests.pricing.factories import CategoryOverrideFactory, OptionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _by_category(item: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {p["category"]: (p["price"], p["duration_minutes"]) for p in item["prices"]}


def test_anyone_lists_the_active_catalogue_with_category_prices_and_options(
    api_client: APIClient,
) -> None:
    wash = ServiceFactory.create(code="full-wash", name="Full wash", base_price=Decimal("40.00"))
    CategoryOverrideFactory.create(
        service=wash, category="large", price=Decimal("55.00"), duration_minutes=75
    )
    CategoryOverrideFactory.create(service=wash, category="van", price=None, duration_minutes=90)
    OptionFactory.create(code="wax", name="Wax", price=Decimal("15.00"), services=[wash])
    OptionFactory.create(code="not-for-wash")
    ServiceFactory.create(code="retired", active=False)

    response = api_client.get("/api/v1/services")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["code"] == "full-wash"
    assert item["currency"] == "EUR"
    assert _by_category(item) == {
        "small": ("40.00", 60),
        "medium": ("40.00", 60),
        "large": ("55.00", 75),
        "van": ("40.00", 90),
    }
    assert [o["code"] for o in item["options"]] == ["wax"]
    assert item["options"][0]["price"] == "15.00"


def test_the_list_filters_by_kind_and_orders(api_client: APIClient) -> None:
    ServiceFactory.create(code="a-wash", name="A", kind="wash", base_price=Decimal("30.00"))
    ServiceFactory.create(code="b-tyres", name="B", kind="tyres", base_price=Decimal("80.00"))
    ServiceFactory.create(code="c-wash", name="C", kind="wash", base_price=Decimal("20.00"))

    washes = api_client.get("/api/v1/services", {"kind": "wash"}).json()["results"]
    assert [s["code"] for s in washes] == ["a-wash", "c-wash"]
    cheapest_first = api_client.get("/api/v1/services", {"ordering": "base_price"}).json()
    assert [s["code"] for s in cheapest_first["results"]] == ["c-wash", "a-wash", "b-tyres"]
    dearest_first = api_client.get("/api/v1/services", {"ordering": "-base_price"}).json()
    assert [s["code"] for s in dearest_first["results"]] == ["b-tyres", "a-wash", "c-wash"]


def test_an_unknown_filter_value_is_a_400_envelope(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/services", {"kind": "spaceship"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "kind" in response.json()["error"]["details"]


def test_pages(api_client: APIClient) -> None:
    for n in range(5):
        ServiceFactory.create(code=f"s{n}", name=f"S{n}")
    page = api_client.get("/api/v1/services", {"page_size": 2, "page": 3}).json()
    assert page["count"] == 5
    assert [s["code"] for s in page["results"]] == ["s4"]
    beyond = api_client.get("/api/v1/services", {"page": 9})
    assert beyond.status_code == 404
    assert beyond.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("page_size", [1, 5, 40])
def test_the_list_runs_a_constant_number_of_queries_whatever_the_page_size(
    api_client: APIClient, django_assert_num_queries: Any, page_size: int
) -> None:
    for n in range(40):
        service = ServiceFactory.create(code=f"s{n:02d}")
        CategoryOverrideFactory.create(service=service)
        OptionFactory.create(services=[service])
        OptionFactory.create(services=[service])
    # Uncached: services (with their skill), overrides, options; whatever the size.
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/services", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    # Cached: no query at all.
    with django_assert_num_queries(0):
        api_client.get("/api/v1/services", {"page_size": page_size, "page": 1})


def test_a_catalogue_change_is_listed_at_once(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    """Every catalogue use case (the back-office's writes) forgets the cached listing."""
    operator = OperatorFactory.create()
    service = ServiceFactory.create(code="wash", base_price=Decimal("40.00"))
    assert api_client.get("/api/v1/services").json()["results"][0]["base_price"] == "40.00"

    with django_capture_on_commit_callbacks(execute=True):
        services.service_update(service=service, actor=operator, base_price=Decimal("42.00"))
    assert api_client.get("/api/v1/services").json()["results"][0]["base_price"] == "42.00"

    with django_capture_on_commit_callbacks(execute=True):
        services.service_overrides_replace(
            service=service, overrides={"small": (Decimal("30.00"), 90)}, actor=operator
        )
    small = _by_category(api_client.get("/api/v1/services").json()["results"][0])["small"]
    assert small == ("30.00", 90)

    with django_capture_on_commit_callbacks(execute=True):
        option = services.option_create(
            code="wax", name="Wax", price=Decimal("9.00"), services=[service], actor=operator
        )
    assert api_client.get("/api/v1/services/wash").json()["options"][0]["code"] == "wax"

    with django_capture_on_commit_callbacks(execute=True):
        services.option_update(option=option, actor=operator, price=Decimal("11.00"))
    assert api_client.get("/api/v1/services/wash").json()["options"][0]["price"] == "11.00"

    with django_capture_on_commit_callbacks(execute=True):
        services.service_options_set(service=service, options=[], actor=operator)
        services.service_overrides_replace(service=service, overrides={}, actor=operator)
    item = api_client.get("/api/v1/services/wash").json()
    assert item["options"] == []
    assert _by_category(item)["small"] == ("42.00", 60)

    with django_capture_on_commit_callbacks(execute=True):
        services.service_update(service=service, actor=operator, active=False)
    assert api_client.get("/api/v1/services").json()["count"] == 0


def test_one_service_by_code(api_client: APIClient) -> None:
    ServiceFactory.create(code="oil-change", excluded_energies=["electric"], kind="maintenance")
    response = api_client.get("/api/v1/services/oil-change")
    assert response.status_code == 200
    assert response.json()["excluded_energies"] == ["electric"]
    assert response.json()["kind"] == "maintenance"


@pytest.mark.parametrize("code", ["nope", "retired"])
def test_an_unknown_or_inactive_service_is_a_404_envelope(api_client: APIClient, code: str) -> None:
    ServiceFactory.create(code="retired", active=False)
    response = api_client.get(f"/api/v1/services/{code}")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "service_not_found"
    assert error["request_id"]
