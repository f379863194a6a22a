"""What other apps get from pricing.public."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from core.errors import Conflict, NotFound, ValidationFailed
from pricing import public
from tests.pricing.factories import (
    CategoryOverrideFactory,
    OptionFactory,
    PriceRuleFactory,
    PromoCodeFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil() -> object:
    service = ServiceFactory.create(
        code="oil-change",
        name="Oil change",
        base_duration_minutes=45,
        buffer_after_minutes=15,
        required_skill=SkillFactory.create(code="mechanic"),
        excluded_energies=["electric"],
    )
    CategoryOverrideFactory.create(service=service, category="van", price=None, duration_minutes=60)
    OptionFactory.create(code="filter", extra_duration_minutes=10, services=[service])
    OptionFactory.create(code="unrelated", extra_duration_minutes=30)
    return service


def test_service_requirements_for_a_category_with_options(oil: object) -> None:
    requirements = public.service_requirements(
        service_code="oil-change", category="van", option_codes=["filter", "unrelated"]
    )
    assert requirements == public.ServiceRequirements(
        code="oil-change",
        name="Oil change",
        duration_minutes=70,  # 60 for a van + 10 (an option not offered adds nothing)
        buffer_after_minutes=15,
        required_skill="mechanic",
    )


def test_service_requirements_refusals(oil: object) -> None:
    ServiceFactory.create(code="retired", active=False)
    with pytest.raises(NotFound):
        public.service_requirements(service_code="nope", category="small")
    with pytest.raises(Conflict) as inactive:
        public.service_requirements(service_code="retired", category="small")
    assert inactive.value.code == "service_inactive"
    with pytest.raises(Conflict) as energy:
        public.service_requirements(service_code="oil-change", category="small", energy="electric")
    assert energy.value.code == "service_not_for_energy"
    with pytest.raises(ValidationFailed):
        public.service_requirements(service_code="oil-change", category="bus")


def test_a_strict_quote_refuses_what_a_lenient_one_reports(oil: object) -> None:
    PromoCodeFactory.create(code="BIG", min_order_total=Decimal("1000"))
    lenient = public.quote(service_code="oil-change", category="small", option_codes=["unrelated"])
    assert [r.code for r in lenient.reasons] == ["option_not_offered"]
    with pytest.raises(Conflict) as option:
        public.quote(
            service_code="oil-change", category="small", option_codes=["unrelated"], strict=True
        )
    assert option.value.code == "option_not_offered"
    with pytest.raises(Conflict) as promo:
        public.quote(service_code="oil-change", category="small", promo_code="big", strict=True)
    assert promo.value.code == "promo_below_minimum"


def test_the_quote_applies_only_active_rules_for_its_services(oil: object) -> None:
    other = ServiceFactory.create(code="wash")
    PriceRuleFactory.create(name="Oil week", percentage=Decimal("10"), services=[oil])
    PriceRuleFactory.create(name="Wash only", percentage=Decimal("50"), services=[other])
    PriceRuleFactory.create(name="Switched off", percentage=Decimal("100"), active=False)
    q = public.quote(
        service_code="oil-change", category="small", local_start=datetime(2025, 6, 2, 10)
    )
    assert [line.label for line in q.lines] == ["Oil change", "Oil week (+10 %)"]
    assert q.total == Decimal("55.00")


def test_the_snapshot_comes_back_as_the_same_quote(oil: object) -> None:
    q = public.quote(service_code="oil-change", category="van", option_codes=["filter"])
    assert public.Quote.from_dict(q.as_dict()) == q
