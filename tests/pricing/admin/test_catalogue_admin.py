"""The catalogue back-office: operators run it, every rule shows in the form, and every changelist
costs the same number of queries whatever its size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pricing import public
from pricing.admin import PromoCodeAdmin
from pricing.models import CategoryOverride, PriceRule, PromoCode, Service, Skill
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.pricing.factories import (
    CategoryOverrideFactory,
    OptionFactory,
    PriceRuleFactory,
    PromoCodeFactory,
    PromoRedemptionFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
ADMIN = "/admin/pricing"


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(OperatorFactory.create())
    return client


def _inline_management(client: Client, url: str) -> dict[str, str]:
    """The empty management forms of the page's inlines (their prefixes depend on Django)."""
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, str] = {}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def _service_form(**overrides: str | list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "full-wash",
        "name": "Full wash",
        "description": "",
        "kind": "wash",
        "active": "on",
        "base_price": "40.00",
        "tax_rate": "20.00",
        "base_duration_minutes": "45",
        "buffer_after_minutes": "10",
        "required_skill": "",
        "excluded_energies": [],
    }
    data.update(overrides)
    return data


def _overrides(client: Client, url: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = _inline_management(client, url)
    prefix = "category_overrides"
    assert f"{prefix}-TOTAL_FORMS" in data
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def test_an_operator_adds_a_service_with_overrides(operator: Client) -> None:
    url = f"{ADMIN}/service/add/"
    overrides = _overrides(
        operator, url, [{"category": "large", "price": "55.00", "duration_minutes": "60"}]
    )
    response = operator.post(url, _service_form(excluded_energies=["electric"]) | overrides)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    service = Service.objects.get(code="full-wash")
    assert service.excluded_energies == ["electric"]
    override = CategoryOverride.objects.get(service=service)
    assert (override.category, override.price, override.duration_minutes) == (
        "large",
        Decimal("55.00"),
        60,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("base_duration_minutes", "47", "A duration is a multiple of 5 minutes between 5 and 480."),
        (
            "base_duration_minutes",
            "485",
            "A duration is a multiple of 5 minutes between 5 and 480.",
        ),
        ("buffer_after_minutes", "7", "Extra minutes are a multiple of 5 between 0 and 480."),
        ("base_price", "-1", "Ensure this value is greater than or equal to 0."),
        ("tax_rate", "101", "Ensure this value is less than or equal to 100."),
    ],
)
def test_a_rule_broken_in_the_service_form_is_shown_and_nothing_saved(
    operator: Client, field: str, value: str, message: str
) -> None:
    url = f"{ADMIN}/service/add/"
    response = operator.post(
        url, _service_form(**{field: value}) | _inline_management(operator, url)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"category": "van", "price": "", "duration_minutes": ""}],
            "Give a price, a duration or both.",
        ),
        (
            [
                {"category": "van", "price": "50", "duration_minutes": ""},
                {"category": "van", "price": "60", "duration_minutes": ""},
            ],
            "Please correct the duplicate data",
        ),
        ([{"category": "van", "price": "", "duration_minutes": "33"}], "multiple of 5 minutes"),
    ],
)
def test_a_broken_override_is_shown_in_its_inline(
    operator: Client, rows: list[dict[str, str]], message: str
) -> None:
    url = f"{ADMIN}/service/add/"
    response = operator.post(url, _service_form() | _overrides(operator, url, rows))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()


def test_a_promo_code_is_unique_whatever_its_case(operator: Client) -> None:
    PromoCodeFactory.create(code="SUMMER")
    form = {"code": "summer", "kind": "percent", "value": "10", "min_order_total": "0"}
    response = operator.post(f"{ADMIN}/promocode/add/", form)
    assert response.status_code == 200
    assert "A promo code with this code already exists." in response.content.decode()
    created = operator.post(f"{ADMIN}/promocode/add/", form | {"code": "winter"})
    assert created.status_code == 302
    assert PromoCode.objects.filter(code="WINTER").exists()


def test_a_promo_percentage_above_100_is_refused_in_the_form(operator: Client) -> None:
    form = {"code": "HUGE", "kind": "percent", "value": "150", "min_order_total": "0"}
    response = operator.post(f"{ADMIN}/promocode/add/", form)
    assert "A percentage is above 0 and at most 100" in response.content.decode()


# The WELCOME code's change form, its value set to 15 %.
WELCOME_AT_15 = {
    "code": "WELCOME",
    "kind": "percent",
    "value": "15",
    "min_order_total": "0",
    "max_redemptions": "10",
}


def test_the_redemption_count_is_shown_and_cannot_be_edited(operator: Client) -> None:
    promo = PromoCodeFactory.create(code="WELCOME", max_redemptions=10)
    PromoRedemptionFactory.create(promo=promo)
    PromoCode.objects.filter(pk=promo.pk).update(redemptions_count=1)
    form = WELCOME_AT_15 | {"redemptions_count": "0"}
    response = operator.post(f"{ADMIN}/promocode/{promo.pk}/change/", form)
    assert response.status_code == 302
    promo.refresh_from_db()
    assert (promo.value, promo.redemptions_count) == (Decimal("15.00"), 1)
    assert ">1<" in operator.get(f"{ADMIN}/promocode/").content.decode()
    # The uses themselves are read-only.
    assert operator.get(f"{ADMIN}/promoredemption/").status_code == 200
    assert operator.get(f"{ADMIN}/promoredemption/add/").status_code == 403


def test_a_price_rule_needs_services_or_all_services(operator: Client) -> None:
    form = {
        "name": "Weekend",
        "percentage": "15",
        "weekdays": ["6", "7"],
        "priority": "10",
        "active": "on",
    }
    refused = operator.post(f"{ADMIN}/pricerule/add/", form)
    assert "Choose the services, or tick “all services”." in refused.content.decode()
    window = form | {"all_services": "on", "start_time": "18:00", "end_time": "08:00"}
    refused = operator.post(f"{ADMIN}/pricerule/add/", window)
    assert "the window ends after it starts" in refused.content.decode()
    created = operator.post(f"{ADMIN}/pricerule/add/", form | {"all_services": "on"})
    assert created.status_code == 302
    assert PriceRule.objects.get().weekdays == [6, 7]


def _catalogue(n: int) -> None:
    for _ in range(n):
        service = ServiceFactory.create(required_skill=SkillFactory.create())
        CategoryOverrideFactory.create(service=service)
        OptionFactory.create(services=[service])
        PriceRuleFactory.create(services=[service])
        PromoRedemptionFactory.create()


@pytest.mark.parametrize(
    "model", ["service", "option", "skill", "pricerule", "promocode", "promoredemption"]
)
def test_changelists_cost_the_same_queries_whatever_their_size(
    operator: Client, model: str
) -> None:
    url = f"{ADMIN}/{model}/"
    _catalogue(2)
    operator.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as small:
        assert operator.get(url).status_code == 200
    _catalogue(20)
    with CaptureQueriesContext(connection) as large:
        response = operator.get(url)
    assert len(response.context["cl"].result_list) >= 20
    assert len(large) == len(small)


def test_the_service_change_page_lists_its_inlines(operator: Client) -> None:
    service = ServiceFactory.create(code="full-wash")
    CategoryOverrideFactory.create(service=service, category="van")
    OptionFactory.create(code="wax", services=[service])
    page = operator.get(f"{ADMIN}/service/{service.pk}/change/").content.decode()
    assert "van" in page
    assert "wax" in page.lower()


def test_a_price_changed_in_the_back_office_is_listed_at_once(
    operator: Client, django_capture_on_commit_callbacks: Any
) -> None:
    service = ServiceFactory.create(code="full-wash", base_price=Decimal("40.00"))
    listed = Client().get("/api/v1/services/full-wash").json()
    assert listed["base_price"] == "40.00"
    url = f"{ADMIN}/service/{service.pk}/change/"
    form = _service_form(base_price="44.00") | _inline_management(operator, url)

    with django_capture_on_commit_callbacks(execute=True):
        assert operator.post(url, form).status_code == 302

    assert Client().get("/api/v1/services/full-wash").json()["base_price"] == "44.00"


def test_options_offered_and_overrides_are_saved_from_the_service_page(operator: Client) -> None:
    service = ServiceFactory.create(code="full-wash")
    wax = OptionFactory.create(code="wax")
    url = f"{ADMIN}/service/{service.pk}/change/"
    data = _overrides(
        operator, url, [{"category": "van", "price": "70.00", "duration_minutes": ""}]
    )
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "override" not in k)
    data |= {prefix: "1", prefix.replace("TOTAL_FORMS", "0-option"): str(wax.pk)}

    response = operator.post(url, _service_form() | data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert list(service.options.values_list("code", flat=True)) == ["wax"]
    override = CategoryOverride.objects.get(service=service)
    assert (override.category, override.price, override.duration_minutes) == (
        "van",
        Decimal("70.00"),
        None,
    )


def test_a_redemption_made_while_a_promo_code_is_edited_is_not_lost(
    operator: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    promo = PromoCodeFactory.create(code="WELCOME", max_redemptions=10)
    loaded = PromoCodeAdmin.get_object

    def load_then_a_customer_redeems(
        self: PromoCodeAdmin, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> PromoCode | None:
        shown = loaded(self, request, object_id, from_field)
        public.promo_redeem(
            code="WELCOME", customer_id=UserFactory.create().pk, order_total=Decimal("50.00")
        )
        return shown

    monkeypatch.setattr(PromoCodeAdmin, "get_object", load_then_a_customer_redeems)

    response = operator.post(f"{ADMIN}/promocode/{promo.pk}/change/", WELCOME_AT_15)

    assert response.status_code == 302
    promo.refresh_from_db()
    assert (promo.value, promo.redemptions_count) == (Decimal("15.00"), 1)


def test_an_operator_adds_a_skill(operator: Client) -> None:
    response = operator.post(f"{ADMIN}/skill/add/", {"code": "tyres", "name": "Tyres"})
    assert response.status_code == 302
    assert Skill.objects.get().name == "Tyres"
