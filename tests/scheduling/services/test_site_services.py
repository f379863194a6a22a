"""Writing sites, hours, resources and closures: rules in the services and in the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest
from django.db import IntegrityError, transaction

from core.errors import Conflict, PermissionDenied, ValidationFailed
from scheduling import services
from scheduling.models import Closure, OpeningHours, Resource, Site
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 8, 1, tzinfo=UTC)
T1 = datetime(2026, 8, 2, tzinfo=UTC)


def test_operator_creates_a_site_with_hours() -> None:
    site = services.site_create(
        name="Bastille",
        timezone="Europe/Paris",
        hours={1: [(time(8), time(12)), (time(13, 30), time(18))]},
        actor=OperatorFactory.create(),
    )
    assert OpeningHours.objects.filter(site=site).count() == 2


def test_customers_cannot_write() -> None:
    with pytest.raises(PermissionDenied):
        services.site_create(name="X", actor=UserFactory.create())


@pytest.mark.parametrize(
    "week",
    [
        {1: [(time(8), time(12)), (time(11), time(13))]},
        {1: [(time(22), time(2))]},
        {8: [(time(8), time(12))]},
    ],
)
def test_bad_hours_are_refused_and_nothing_is_written(
    week: dict[int, list[tuple[time, time]]],
) -> None:
    with pytest.raises(ValidationFailed):
        services.site_create(name="Bastille", hours=week, actor=None)
    assert not Site.objects.exists()


def test_bad_site_fields_are_refused() -> None:
    for fields in ({"timezone": "Paris"}, {"slot_step_minutes": 7}, {"latitude": 48}):
        with pytest.raises(ValidationFailed):
            services.site_create(name="Bastille", actor=None, **fields)


def test_site_names_are_unique_whatever_the_case() -> None:
    services.site_create(name="Bastille", actor=None)
    with pytest.raises((ValidationFailed, Conflict)):
        services.site_create(name="BASTILLE", actor=None)


def test_replacing_hours_and_resource_own_hours() -> None:
    site = SiteFactory.create()
    services.opening_hours_replace(site=site, hours={6: [(time(9), time(12))]}, actor=None)
    assert list(site.opening_hours.values_list("weekday", flat=True)) == [6]
    resource = services.resource_create(
        site=site, name="Bay 1", skills=[SkillFactory.create()], actor=None,
        hours={6: [(time(10), time(11))]},
    )  # fmt: skip
    assert resource.own_hours.count() == 1
    services.resource_hours_replace(resource=resource, hours={}, actor=None)
    assert resource.own_hours.count() == 0
    with pytest.raises((ValidationFailed, Conflict)):
        services.resource_create(site=site, name="bay 1", actor=None)


def test_closure_is_for_a_site_or_a_resource_and_ends_after_it_starts() -> None:
    site = SiteFactory.create()
    resource = ResourceFactory.create(site=site)
    services.closure_create(site=site, start=T0, end=T1, reason="Holidays", actor=None)
    with pytest.raises(ValidationFailed):
        services.closure_create(site=site, resource=resource, start=T0, end=T1, actor=None)
    with pytest.raises(ValidationFailed):
        services.closure_create(start=T0, end=T1, actor=None)
    with pytest.raises(ValidationFailed):
        services.closure_create(site=site, start=T1, end=T0, actor=None)


@pytest.mark.parametrize(
    "make",
    [
        lambda site: OpeningHours.objects.create(
            site=site, weekday=1, opens=time(12), closes=time(8)
        ),
        lambda site: OpeningHours.objects.create(
            site=site, weekday=9, opens=time(8), closes=time(12)
        ),
        lambda site: Closure.objects.create(site=site, start=T1, end=T0),
        lambda site: Closure.objects.create(start=T0, end=T1),
        lambda site: Closure.objects.create(
            site=site, resource=ResourceFactory.create(site=site), start=T0, end=T1
        ),
        lambda site: Site.objects.create(name="Y", slot_step_minutes=7),
        lambda site: Site.objects.create(name="Z", latitude=48, longitude=None),
        lambda site: Site.objects.create(name=site.name.upper()),
    ],
)
def test_the_database_refuses_what_breaks_a_rule(make: Callable[[Site], object]) -> None:
    site = SiteFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        make(site)


def test_operator_changes_and_deletes_a_site_and_a_site_in_use_stays() -> None:
    operator = OperatorFactory.create()
    site = services.site_create(name="Bastille", actor=operator)
    services.site_update(site=site, actor=operator, name="Bastille Est", horizon_days=30)
    site.refresh_from_db()
    assert (site.name, site.horizon_days) == ("Bastille Est", 30)
    with pytest.raises(ValidationFailed):
        services.site_update(site=site, actor=operator, slot_step_minutes=7)
    with pytest.raises(PermissionDenied):
        services.site_update(site=site, actor=UserFactory.create(), name="Mine")

    busy = ResourceFactory.create().site
    with pytest.raises(Conflict) as refused:
        services.site_delete(site=busy, actor=operator)
    assert refused.value.code == "site_in_use"
    services.site_delete(site=site, actor=operator)
    assert list(Site.objects.all()) == [busy]


def test_operator_changes_a_resources_skills_and_deletes_it() -> None:
    operator = OperatorFactory.create()
    resource = ResourceFactory.create(skills=[SkillFactory.create(code="wash")])
    services.resource_update(
        resource=resource, actor=operator, name="Lift 2", skills=[SkillFactory.create(code="tyres")]
    )
    resource.refresh_from_db()
    assert resource.name == "Lift 2"
    assert list(resource.skills.values_list("code", flat=True)) == ["tyres"]
    other = ResourceFactory.create(site=resource.site, name="Lift 3")
    with pytest.raises((ValidationFailed, Conflict)):
        services.resource_update(resource=other, actor=operator, name="LIFT 2")
    services.resource_delete(resource=resource, actor=operator)
    assert list(Resource.objects.all()) == [other]


def test_a_closure_changes_and_goes_through_its_rules() -> None:
    operator = OperatorFactory.create()
    closure = services.closure_create(site=SiteFactory.create(), start=T0, end=T1, actor=operator)
    services.closure_update(closure=closure, actor=operator, reason="Paint")
    assert Closure.objects.get().reason == "Paint"
    with pytest.raises(ValidationFailed):
        services.closure_update(closure=closure, actor=operator, end=T0)
    services.closure_delete(closure=closure, actor=operator)
    assert not Closure.objects.exists()


def test_a_broken_week_is_refused_day_by_day_with_the_rule_s_words() -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.check_week(
            {1: [(time(8), time(12)), (time(11), time(13))], 2: [(time(9), time(9))], 9: []}
        )
    assert refused.value.details == {
        "1": ["Intervals of the same day must not overlap."],
        "2": ["Closing must be after opening, the same day (no overnight interval)."],
        "9": ["The weekday is 1 (Monday) to 7 (Sunday)."],
    }
