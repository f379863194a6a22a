"""Sites, hours, resources and closures (bookings' tests use them too)."""

from __future__ import annotations

from datetime import time
from typing import Any

import factory

from scheduling.models import Closure, OpeningHours, Resource, ResourceHours, Site

WEEKDAYS = (1, 2, 3, 4, 5)


# factory_boy's post-generation hooks get the built object first.
def _open_site(site: Site, create: bool, extracted: Any, **kwargs: Any) -> None:
    if not create:
        return
    if extracted is None:
        extracted = [(time(8), time(12)), (time(13, 30), time(18))]
    week = extracted if isinstance(extracted, dict) else dict.fromkeys(WEEKDAYS, extracted)
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens=a, closes=b)
        for day, pairs in week.items()
        for a, b in pairs
    )


def _give_skills(resource: Resource, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create and extracted:
        resource.skills.set(extracted)


def _give_resource_hours(resource: Resource, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create and extracted:
        ResourceHours.objects.bulk_create(
            ResourceHours(resource=resource, weekday=day, opens=a, closes=b)
            for day, pairs in extracted.items()
            for a, b in pairs
        )


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    """`hours=[(time(8), time(12)), ...]` opens those intervals Monday to Friday (the default is
    08:00-12:00 and 13:30-18:00); `hours={weekday: [...]}` sets them per ISO weekday."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Site {n}")
    timezone = "Europe/Paris"
    address = "1 rue de la Paix, Paris"
    latitude = None
    longitude = None
    min_notice_minutes = 0

    hours = factory.PostGeneration(_open_site)


class OpeningHoursFactory(factory.django.DjangoModelFactory[OpeningHours]):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory, hours={})
    weekday = 1
    opens = time(8)
    closes = time(12)


class ResourceFactory(factory.django.DjangoModelFactory[Resource]):
    """`skills=[skill, ...]`; `hours={weekday: [(opens, closes)]}` gives it its own week."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Bay {n:03d}")
    kind = Resource.Kind.BAY
    active = True

    skills = factory.PostGeneration(_give_skills)
    hours = factory.PostGeneration(_give_resource_hours)


class ClosureFactory(factory.django.DjangoModelFactory[Closure]):
    class Meta:
        model = Closure

    site = factory.SubFactory(SiteFactory)
    resource = None
    reason = "Holidays"
