"""pricing.public: import_catalogue, ensure_price_rule, ensure_promo_code, skill_pks."""

from __future__ import annotations

import json
from datetime import time
from decimal import Decimal

import pytest

from core.errors import NotFound, ValidationFailed
from pricing import public
from pricing.models import PriceRule, PromoCode, Service
from tests.pricing.factories import ServiceFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_import_catalogue_creates_then_finds_everything() -> None:
    content = json.dumps(
        {
            "skills": [{"code": "washing", "name": "Washing"}],
            "services": [
                {
                    "code": "wash",
                    "name": "Wash",
                    "kind": "wash",
                    "base_duration_minutes": 30,
                    "base_price": "19.00",
                    "required_skill": "washing",
                }
            ],
        }
    )
    first = public.import_catalogue(content=content, fmt="json")
    second = public.import_catalogue(content=content, fmt="json")
    assert first.changed
    assert not second.changed
    assert Service.objects.get(code="wash").required_skill is not None


def test_import_catalogue_refuses_a_broken_file() -> None:
    with pytest.raises(public.CatalogueInvalid):
        public.import_catalogue(content='{"services": [{"code": "x"}]}', fmt="json")


def test_a_weekend_rule_for_all_services_is_created_once() -> None:
    rule_id, created = public.ensure_price_rule(
        name="Weekend surcharge", percentage=Decimal("10"), weekdays=(7, 6)
    )
    again, created_again = public.ensure_price_rule(
        name="Weekend surcharge", percentage=Decimal("50")
    )
    rule = PriceRule.objects.get(pk=rule_id)
    assert (created, created_again, again) == (True, False, rule_id)
    assert rule.weekdays == [6, 7]
    assert rule.all_services is True
    assert rule.percentage == Decimal("10")


def test_a_rule_for_some_services_with_a_time_window() -> None:
    ServiceFactory(code="wash")
    rule_id, _ = public.ensure_price_rule(
        name="Early bird",
        percentage=Decimal("-15"),
        start_time=time(8),
        end_time=time(9),
        service_codes=["wash"],
    )
    rule = PriceRule.objects.get(pk=rule_id)
    assert rule.all_services is False
    assert [s.code for s in rule.services.all()] == ["wash"]


def test_a_rule_naming_an_unknown_service_or_out_of_range_is_refused() -> None:
    with pytest.raises(NotFound):
        public.ensure_price_rule(name="R", percentage=Decimal("5"), service_codes=["nope"])
    with pytest.raises(ValidationFailed):
        public.ensure_price_rule(name="R", percentage=Decimal("-80"))
    assert not PriceRule.objects.exists()


def test_a_promo_code_is_created_once_whatever_the_case() -> None:
    promo_id, created = public.ensure_promo_code(
        code="welcome10", value=Decimal("10"), min_order_total=Decimal("30.00")
    )
    again, created_again = public.ensure_promo_code(
        code="WELCOME10", value=Decimal("5"), kind=public.PROMO_AMOUNT
    )
    promo = PromoCode.objects.get(pk=promo_id)
    assert (created, created_again, again) == (True, False, promo_id)
    assert (promo.code, promo.kind, promo.value) == ("WELCOME10", "percent", Decimal("10"))


def test_an_impossible_promo_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        public.ensure_promo_code(code="TOOMUCH", value=Decimal("150"))


def test_skill_pks_in_the_order_asked_or_not_found() -> None:
    washing, tyres = SkillFactory(code="washing"), SkillFactory(code="tyres")
    assert public.skill_pks(["tyres", "washing"]) == [tyres.pk, washing.pk]
    with pytest.raises(NotFound) as caught:
        public.skill_pks(["washing", "flying"])
    assert caught.value.details == {"skills": ["flying"]}
