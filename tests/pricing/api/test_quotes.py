"""POST quotes: anonymous with a category, or with one of your own vehicles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from pricing.models import PromoRedemption, Service
from pricing.public import site_timezone
from tests.pricing.factories import (
    CategoryOverrideFactory,
    OptionFactory,
    PriceRuleFactory,
    PromoCodeFactory,
    PromoRedemptionFactory,
    ServiceFactory,
)
from tests.vehicles.factories import VehicleFactory

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse  # the test client's response

pytestmark = pytest.mark.django_db
URL = "/api/v1/quotes"


@pytest.fixture
def wash() -> Service:
    service = ServiceFactory.create(code="full-wash", name="Full wash", base_price=Decimal("40.00"))
    CategoryOverrideFactory.create(
        service=service, category="large", price=Decimal("55.00"), duration_minutes=60
    )
    OptionFactory.create(
        code="wax",
        name="Hand wax",
        price=Decimal("15.00"),
        extra_duration_minutes=20,
        services=[service],
    )
    OptionFactory.create(
        code="interior",
        name="Interior",
        price=Decimal("12.50"),
        extra_duration_minutes=15,
        services=[service],
    )
    PriceRuleFactory.create(name="Weekend", percentage=Decimal("15"), weekdays=[6, 7])
    return service


def error(response: _MonkeyPatchedResponse) -> dict[str, Any]:
    envelope: dict[str, Any] = response.json()["error"]
    return envelope


def test_an_anonymous_quote_for_a_category(api_client: APIClient, wash: Service) -> None:
    response = api_client.post(URL, {"service": "full-wash", "category": "medium"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "40.00"
    assert body["tax_included"] == "6.67"
    assert body["currency"] == "EUR"
    assert body["duration_minutes"] == 60
    assert [r["code"] for r in body["reasons"]] == ["price_rules_need_start"]


def test_the_worked_example_weekend_large_two_options_and_a_promo(
    api_client: APIClient, wash: Service
) -> None:
    PromoCodeFactory.create(code="SUMMER10", value=Decimal("10"))
    response = api_client.post(
        URL,
        {
            "service": "full-wash",
            "category": "large",
            "options": ["wax", "interior"],
            "start": "2025-06-07T10:00:00+02:00",
            "promo_code": "summer10",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert [(line["kind"], line["amount"]) for line in body["lines"]] == [
        ("service", "55.00"),
        ("option", "15.00"),
        ("option", "12.50"),
        ("modifier", "12.38"),
        ("promo", "-9.49"),
    ]
    assert (body["total"], body["tax_included"]) == ("85.39", "14.23")
    assert (body["duration_minutes"], body["promo_code"]) == (95, "SUMMER10")
    assert body["start"] == "2025-06-07T10:00:00+02:00"
    assert not PromoRedemption.objects.exists()  # a quote redeems nothing


def test_a_quote_for_my_vehicle_uses_its_category_and_energy(
    client_for: Callable[[User], APIClient], make_user: Callable[..., User], wash: Service
) -> None:
    me = make_user()
    van = VehicleFactory.create(owner=me, category="large", energy="electric")
    ServiceFactory.create(code="oil-change", excluded_energies=["electric"])
    client = client_for(me)

    response = client.post(URL, {"service": "full-wash", "vehicle": str(van.public_id)})
    assert response.status_code == 200
    assert (response.json()["category"], response.json()["energy"]) == ("large", "electric")
    assert response.json()["total"] == "55.00"

    refused = client.post(URL, {"service": "oil-change", "vehicle": str(van.public_id)})
    assert refused.status_code == 409
    assert error(refused)["code"] == "service_not_for_energy"


def test_another_customers_vehicle_is_a_404(
    client_for: Callable[[User], APIClient], make_user: Callable[..., User], wash: Service
) -> None:
    theirs = VehicleFactory.create(owner=make_user())
    response = client_for(make_user()).post(
        URL, {"service": "full-wash", "vehicle": str(theirs.public_id)}
    )
    assert response.status_code == 404
    assert error(response)["code"] == "vehicle_not_found"
    unknown = client_for(make_user()).post(URL, {"service": "full-wash", "vehicle": str(uuid4())})
    assert unknown.status_code == 404


def test_a_vehicle_needs_authentication(
    api_client: APIClient, make_user: Callable[..., User], wash: Service
) -> None:
    vehicle = VehicleFactory.create(owner=make_user())
    response = api_client.post(URL, {"service": "full-wash", "vehicle": str(vehicle.public_id)})
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service": "full-wash"}, "category"),
        ({"service": "full-wash", "category": "medium", "vehicle": str(uuid4())}, "category"),
        ({"service": "full-wash", "category": "bus"}, "category"),
        ({"service": "full-wash", "category": "small", "energy": "steam"}, "energy"),
        ({"service": "full-wash", "category": "small", "start": "2025-06-07T10:00:00"}, "start"),
        ({"service": "full-wash", "category": "small", "start": "saturday"}, "start"),
        ({"service": "full-wash", "category": "small", "site": "paris"}, "site"),
        ({"service": "full-wash", "category": "small", "options": "wax"}, "options"),
        ({"category": "small"}, "service"),
    ],
)
def test_invalid_input_is_a_400_with_the_field(
    api_client: APIClient, wash: Service, payload: dict[str, Any], field: str
) -> None:
    response = api_client.post(URL, payload)
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    assert field in error(response)["details"]


def test_an_unknown_service_is_a_404_and_an_inactive_one_a_409(api_client: APIClient) -> None:
    ServiceFactory.create(code="retired", active=False)
    unknown = api_client.post(URL, {"service": "nope", "category": "small"})
    assert (unknown.status_code, error(unknown)["code"]) == (404, "service_not_found")
    inactive = api_client.post(URL, {"service": "retired", "category": "small"})
    assert (inactive.status_code, error(inactive)["code"]) == (409, "service_inactive")


def test_an_option_not_offered_is_a_reason_not_an_error(
    api_client: APIClient, wash: Service
) -> None:
    OptionFactory.create(code="tyre-shine")
    response = api_client.post(
        URL, {"service": "full-wash", "category": "small", "options": ["wax", "tyre-shine"]}
    )
    assert response.status_code == 200
    assert response.json()["total"] == "55.00"
    reasons = {r["code"]: r["subject"] for r in response.json()["reasons"]}
    assert reasons["option_not_offered"] == "tyre-shine"


def test_the_start_is_read_on_its_own_offset_without_a_site(
    api_client: APIClient, wash: Service
) -> None:
    # Friday 23:30 UTC is Saturday 01:30 in Paris: the client's own offset decides.
    friday_utc = api_client.post(
        URL, {"service": "full-wash", "category": "small", "start": "2025-06-06T23:30:00Z"}
    )
    assert friday_utc.json()["total"] == "40.00"
    saturday_paris = api_client.post(
        URL, {"service": "full-wash", "category": "small", "start": "2025-06-07T01:30:00+02:00"}
    )
    assert saturday_paris.json()["total"] == "46.00"


def test_with_a_site_the_rules_read_the_sites_clock(api_client: APIClient, wash: Service) -> None:
    paris = uuid4()
    site_timezone.provide(lambda site_id: "Europe/Paris" if site_id == paris else None)
    response = api_client.post(
        URL,
        {
            "service": "full-wash",
            "category": "small",
            "site": str(paris),
            "start": "2025-06-06T23:30:00Z",
        },
    )
    assert response.status_code == 200
    assert response.json()["total"] == "46.00"
    assert response.json()["start"] == "2025-06-07T01:30:00+02:00"

    unknown = api_client.post(
        URL,
        {
            "service": "full-wash",
            "category": "small",
            "site": str(uuid4()),
            "start": "2025-06-07T10:00:00Z",
        },
    )
    assert (unknown.status_code, error(unknown)["code"]) == (404, "site_not_found")


def test_a_promo_already_used_by_me_is_a_reason(
    client_for: Callable[[User], APIClient], make_user: Callable[..., User], wash: Service
) -> None:
    me = make_user()
    promo = PromoCodeFactory.create(code="WELCOME")
    PromoRedemptionFactory.create(promo=promo, customer=me)
    payload = {"service": "full-wash", "category": "small", "promo_code": "welcome"}

    mine = client_for(me).post(URL, payload).json()
    assert (mine["total"], mine["promo_code"]) == ("40.00", None)
    assert [r["code"] for r in mine["reasons"]][-1] == "promo_already_used"

    someone_else = client_for(make_user()).post(URL, payload).json()
    assert (someone_else["total"], someone_else["promo_code"]) == ("36.00", "WELCOME")


@pytest.mark.parametrize(
    ("promo", "code"),
    [
        ({"valid_until": datetime.now(UTC) - timedelta(days=1)}, "promo_expired"),
        ({"valid_from": datetime.now(UTC) + timedelta(days=1)}, "promo_not_yet_valid"),
        ({"max_redemptions": 0}, "promo_exhausted"),
        ({"min_order_total": Decimal("100.00")}, "promo_below_minimum"),
    ],
)
def test_a_promo_that_does_not_apply_is_a_reason(
    client_for: Callable[[User], APIClient],
    make_user: Callable[..., User],
    wash: Service,
    promo: dict[str, object],
    code: str,
) -> None:
    """A signed-in customer learns why (anonymous callers: see below)."""
    PromoCodeFactory.create(code="DEAL", **promo)
    body = (
        client_for(make_user())
        .post(URL, {"service": "full-wash", "category": "small", "promo_code": "deal"})
        .json()
    )
    assert body["total"] == "40.00"
    assert body["reasons"][-1]["code"] == code
    assert body["reasons"][-1]["subject"] == "DEAL"


def test_an_unknown_promo_is_a_reason(
    client_for: Callable[[User], APIClient], make_user: Callable[..., User], wash: Service
) -> None:
    body = (
        client_for(make_user())
        .post(URL, {"service": "full-wash", "category": "small", "promo_code": "ghost"})
        .json()
    )
    assert body["reasons"][-1]["code"] == "promo_unknown"


@pytest.mark.parametrize(
    "dead",
    [
        {"valid_until": datetime.now(UTC) - timedelta(days=1)},
        {"valid_from": datetime.now(UTC) + timedelta(days=1)},
        {"max_redemptions": 0},
    ],
)
def test_anonymous_callers_get_the_same_answer_for_unknown_and_dead_codes(
    api_client: APIClient, wash: Service, dead: dict[str, object]
) -> None:
    payload = {"service": "full-wash", "category": "small", "promo_code": "deal"}
    unknown = api_client.post(URL, payload)
    PromoCodeFactory.create(code="DEAL", **dead)
    existing = api_client.post(URL, payload)
    assert unknown.status_code == existing.status_code == 200
    assert unknown.json() == existing.json()
    assert existing.json()["reasons"][-1] == {
        "code": "promo_invalid",
        "message": "The promo code DEAL is not valid.",
        "subject": "DEAL",
    }


def test_quotes_with_a_promo_code_are_throttled(
    api_client: APIClient,
    client_for: Callable[[User], APIClient],
    make_user: Callable[..., User],
    wash: Service,
) -> None:
    def quote(client: APIClient, promo: str | None, address: str = "203.0.113.4") -> int:
        body = {"service": "full-wash", "category": "small"}
        return client.post(
            URL, {**body, "promo_code": promo} if promo else body, REMOTE_ADDR=address
        ).status_code

    tries = [quote(api_client, f"guess{n}") for n in range(21)]
    assert tries == [200] * 20 + [429]
    refused = api_client.post(
        URL,
        {"service": "full-wash", "category": "small", "promo_code": "x"},
        REMOTE_ADDR="203.0.113.4",
    )
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    # Quotes without a code are not held back, nor other addresses, nor a signed-in customer.
    assert quote(api_client, None) == 200
    assert quote(api_client, "guess", address="203.0.113.5") == 200
    assert quote(client_for(make_user()), "guess") == 200


def test_reasons_are_in_the_callers_language(api_client: APIClient, wash: Service) -> None:
    OptionFactory.create(code="tyre-shine")
    body = api_client.post(
        URL,
        {"service": "full-wash", "category": "small", "options": ["tyre-shine"]},
        HTTP_ACCEPT_LANGUAGE="fr",
    ).json()
    assert body["reasons"][0]["code"] == "option_not_offered"
    assert "tyre-shine" in body["reasons"][0]["message"]


def test_a_quote_reads_the_catalogue_in_one_query_and_a_promo_in_one_more(
    api_client: APIClient,
    client_for: Callable[[User], APIClient],
    make_user: Callable[..., User],
    wash: Service,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # Issue 16: the service (its override, the asked options) and the price rules in one read
    # (2 before); the promo code with the customer's earlier use in one (2 before).
    PriceRuleFactory.create(name="Mine", percentage=Decimal("-10"), services=[wash])
    PromoCodeFactory.create(code="SUMMER10", value=Decimal("10"))
    ask = {
        "service": "full-wash",
        "options": ["wax", "interior"],
        "start": "2025-06-07T10:00:00+02:00",
    }
    with django_assert_num_queries(1):
        anonymous = api_client.post(URL, {**ask, "category": "large"})
    assert anonymous.json()["total"] == "85.39"  # 82.50, -10 % ("Mine"), +15 % ("Weekend")
    me = make_user()
    vehicle = VehicleFactory.create(owner=me, category="large")
    client = client_for(me)
    with django_assert_num_queries(4):  # + the user (JWT), their vehicle and the promo code
        mine = client.post(
            URL,
            {**ask, "vehicle": str(vehicle.public_id), "promo_code": "summer10"},
        )
    assert (mine.json()["total"], mine.json()["promo_code"]) == ("76.85", "SUMMER10")
