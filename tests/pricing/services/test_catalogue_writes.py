"""The catalogue's use cases, as the back-office calls them: skills, services with their
overrides and options, options, price rules and promo codes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from accounts.models import User
from core.errors import Conflict, PermissionDenied, ValidationFailed
from pricing import public, services
from pricing.models import CategoryOverride, PriceRule, PromoCode, Service, Skill
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.bookings.factories import make_world
from tests.pricing.factories import (
    CategoryOverrideFactory,
    PromoCodeFactory,
    ServiceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def operator() -> User:
    return OperatorFactory.create()


@pytest.fixture
def administrator() -> User:
    return UserFactory.create(is_staff=True, is_superuser=True)


def _wash(actor: User) -> Service:
    return services.service_create(
        code="wash",
        name="Wash",
        kind="wash",
        base_price=Decimal("40.00"),
        base_duration_minutes=45,
        actor=actor,
    )


def test_an_operator_creates_and_changes_a_service_under_the_models_rules(operator: User) -> None:
    service = _wash(operator)
    services.service_update(service=service, actor=operator, buffer_after_minutes=10)
    service.refresh_from_db()
    assert (service.buffer_after_minutes, service.tax_rate) == (10, Decimal("20.00"))

    with pytest.raises(ValidationFailed) as refused:
        services.service_update(service=service, actor=operator, base_duration_minutes=47)
    assert "base_duration_minutes" in refused.value.details
    with pytest.raises(ValidationFailed):
        _wash(operator)  # the code is taken
    with pytest.raises(PermissionDenied):
        services.service_update(service=service, actor=UserFactory.create(), name="Mine")


def test_only_an_administrator_deletes_and_never_a_booked_service(
    operator: User, administrator: User
) -> None:
    lone = ServiceFactory.create()
    with pytest.raises(PermissionDenied):
        services.service_delete(service=lone, actor=operator)
    services.service_delete(service=lone, actor=administrator)
    assert not Service.objects.filter(pk=lone.pk).exists()

    world = make_world()
    world.book()
    with pytest.raises(Conflict) as refused:
        services.service_delete(service=world.service, actor=administrator)
    assert refused.value.code == "service_in_use"


def test_overrides_are_replaced_as_a_whole_and_a_bad_row_keeps_the_old_ones(operator: User) -> None:
    service = ServiceFactory.create()
    CategoryOverrideFactory.create(service=service, category="van", price=Decimal("80.00"))
    services.service_overrides_replace(
        service=service,
        overrides={"large": (Decimal("60.00"), None), "van": (None, 90)},
        actor=operator,
    )
    rows = CategoryOverride.objects.filter(service=service).order_by("category")
    assert [(o.category, o.price, o.duration_minutes) for o in rows] == [
        ("large", Decimal("60.00"), None),
        ("van", None, 90),
    ]

    with pytest.raises(ValidationFailed):
        services.service_overrides_replace(
            service=service, overrides={"small": (None, None)}, actor=operator
        )
    assert CategoryOverride.objects.filter(service=service).count() == 2


def test_an_option_is_offered_for_the_services_given(operator: User) -> None:
    wash, wax = ServiceFactory.create(), ServiceFactory.create()
    option = services.option_create(
        code="vacuum", name="Vacuum", price=Decimal("5.00"), services=[wash], actor=operator
    )
    assert list(option.services.all()) == [wash]
    services.option_update(option=option, actor=operator, services=[wax], price=Decimal("6.00"))
    option.refresh_from_db()
    assert (list(option.services.all()), option.price) == ([wax], Decimal("6.00"))
    services.service_options_set(service=wash, options=[option], actor=operator)
    assert set(option.services.all()) == {wash, wax}


def test_a_price_rule_applies_to_every_service_or_to_the_ones_it_names(operator: User) -> None:
    wash = ServiceFactory.create()
    with pytest.raises(ValidationFailed) as refused:
        services.price_rule_create(
            name="R", percentage=Decimal("10"), all_services=False, actor=operator
        )
    assert refused.value.details == {"services": ["Choose the services, or tick “all services”."]}
    with pytest.raises(ValidationFailed):
        services.price_rule_create(
            name="R", percentage=Decimal("10"), services=[wash], actor=operator
        )
    rule = services.price_rule_create(
        name="Weekend", percentage=Decimal("15"), weekdays=[7, 6], actor=operator
    )
    assert (rule.weekdays, rule.all_services) == ([6, 7], True)
    with pytest.raises(ValidationFailed):
        services.price_rule_update(rule=rule, actor=operator, all_services=False)
    services.price_rule_update(rule=rule, actor=operator, all_services=False, services=[wash])
    rule.refresh_from_db()
    assert list(rule.services.all()) == [wash]
    with pytest.raises(ValidationFailed):
        services.price_rule_update(rule=rule, actor=operator, percentage=Decimal("-80"))
    with pytest.raises(PermissionDenied):
        services.price_rule_delete(rule=rule, actor=operator)
    services.price_rule_delete(
        rule=rule, actor=UserFactory.create(is_staff=True, is_superuser=True)
    )
    assert not PriceRule.objects.exists()


def test_a_promo_code_edited_while_it_is_redeemed_keeps_the_real_count(operator: User) -> None:
    promo = services.promo_code_create(
        code=" summer ", value=Decimal("10"), max_redemptions=5, actor=operator
    )
    assert promo.code == "SUMMER"
    shown = PromoCode.objects.get(pk=promo.pk)  # what the back-office form was built from
    public.promo_redeem(
        code="SUMMER", customer_id=UserFactory.create().pk, order_total=Decimal("50"), now=NOW
    )

    services.promo_code_update(promo=shown, actor=operator, value=Decimal("15"))

    promo.refresh_from_db()
    assert (promo.value, promo.redemptions_count) == (Decimal("15.00"), 1)
    with pytest.raises(ValidationFailed):
        services.promo_code_update(promo=shown, actor=operator, max_redemptions=0)
    with pytest.raises(Conflict) as refused:
        services.promo_code_delete(
            promo=promo, actor=UserFactory.create(is_staff=True, is_superuser=True)
        )
    assert refused.value.code == "promo_in_use"


def test_a_promo_code_never_redeemed_is_deleted_by_an_administrator(administrator: User) -> None:
    promo = PromoCodeFactory.create(code="OLD")
    services.promo_code_delete(promo=promo, actor=administrator)
    assert not PromoCode.objects.exists()


def test_skills_are_written_by_operators_and_kept_while_services_need_them(
    operator: User, administrator: User
) -> None:
    skill = services.skill_create(code="tyres", name="Tyres", actor=operator)
    services.skill_update(skill=skill, actor=operator, name="Tyre fitting")
    assert Skill.objects.get(code="tyres").name == "Tyre fitting"
    ServiceFactory.create(required_skill=skill)
    with pytest.raises(Conflict) as refused:
        services.skill_delete(skill=skill, actor=administrator)
    assert refused.value.code == "skill_in_use"
    services.skill_delete(skill=SkillFactory.create(), actor=administrator)
    assert list(Skill.objects.all()) == [skill]
