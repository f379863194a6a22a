"""Catalogue factories (scheduling's and bookings' tests use SkillFactory and ServiceFactory)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import factory

from pricing.models import (
    CategoryOverride,
    Option,
    PriceRule,
    PromoCode,
    PromoRedemption,
    Service,
    Skill,
)
from tests.accounts.factories import UserFactory


# factory_boy's post-generation hooks get the built object first.
def _offer_option(option: Option, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create and extracted:
        option.services.set(extracted)


def _limit_rule(rule: PriceRule, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create and extracted:
        rule.services.set(extracted)
        if rule.all_services:
            rule.all_services = False
            rule.save(update_fields=["all_services"])


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    description = ""
    kind = "wash"
    base_duration_minutes = 60
    base_price = Decimal("50.00")
    tax_rate = Decimal("20.00")
    required_skill = None
    excluded_energies: Any = factory.LazyFunction(list)
    buffer_after_minutes = 0
    active = True


class CategoryOverrideFactory(factory.django.DjangoModelFactory[CategoryOverride]):
    class Meta:
        model = CategoryOverride

    service = factory.SubFactory(ServiceFactory)
    category = "large"
    price = Decimal("70.00")
    duration_minutes = 90


class OptionFactory(factory.django.DjangoModelFactory[Option]):
    """`services=[...]` offers the option for those services."""

    class Meta:
        model = Option
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"option-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    price = Decimal("10.00")
    extra_duration_minutes = 15

    services = factory.PostGeneration(_offer_option)


class PriceRuleFactory(factory.django.DjangoModelFactory[PriceRule]):
    """Applies to every service unless `services=[...]` is given."""

    class Meta:
        model = PriceRule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Rule {n}")
    percentage = Decimal("10.00")
    weekdays: Any = factory.LazyFunction(list)
    start_time = None
    end_time = None
    valid_from = None
    valid_until = None
    all_services = True
    priority = 100
    active = True

    services = factory.PostGeneration(_limit_rule)


class PromoCodeFactory(factory.django.DjangoModelFactory[PromoCode]):
    class Meta:
        model = PromoCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PROMO{n}")
    kind = "percent"
    value = Decimal("10.00")
    valid_from = None
    valid_until = None
    max_redemptions = None
    min_order_total = Decimal("0.00")


class PromoRedemptionFactory(factory.django.DjangoModelFactory[PromoRedemption]):
    class Meta:
        model = PromoRedemption

    promo = factory.SubFactory(PromoCodeFactory)
    customer = factory.SubFactory(UserFactory)
    order_total = Decimal("50.00")
    redeemed_at = factory.LazyFunction(lambda: datetime.now(UTC))
    released_at = None
