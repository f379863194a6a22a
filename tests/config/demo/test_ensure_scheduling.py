"""The demo's sites, resources and closures: found by their natural keys, else made through
scheduling's use cases (config.demo.ensure)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from config.demo import ensure
from core.errors import NotFound, ValidationFailed
from scheduling import public
from scheduling.models import Closure, OpeningHours, Resource, ResourceHours, Site
from tests.accounts.factories import UserFactory
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import SiteFactory

pytestmark = pytest.mark.django_db

HOURS = {1: [(time(8), time(12)), (time(13, 30), time(18, 30))], 6: [(time(8), time(12))]}
T0 = datetime(2026, 12, 24, 23, tzinfo=UTC)
T1 = datetime(2026, 12, 25, 23, tzinfo=UTC)


def test_a_site_is_created_with_its_hours_and_settings() -> None:
    policy, created = ensure.site(
        name="Lyon Gerland",
        hours=HOURS,
        address="48 avenue Tony Garnier, Lyon",
        latitude=Decimal("45.7334"),
        longitude=Decimal("4.8301"),
        confirmation_window_minutes=180,
    )
    site = Site.objects.get(pk=policy.pk)
    assert created is True
    assert (policy.name, policy.timezone, policy.confirmation_window_minutes) == (
        "Lyon Gerland",
        "Europe/Paris",
        180,
    )
    assert site.latitude == Decimal("45.733400")
    assert OpeningHours.objects.filter(site=site).count() == 3


def test_an_existing_site_is_found_whatever_the_case_and_left_untouched() -> None:
    existing = SiteFactory.create(name="Paris Bercy", min_notice_minutes=0)
    policy, created = ensure.site(name="paris bercy", hours=HOURS, min_notice_minutes=120)
    assert (policy.pk, created) == (existing.pk, False)
    assert policy.min_notice_minutes == 0
    assert OpeningHours.objects.filter(site=existing).count() == 10  # the factory's week


def test_a_site_with_overlapping_hours_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        ensure.site(name="X", hours={1: [(time(8), time(12)), (time(11), time(13))]})
    assert not Site.objects.exists()


def test_a_resource_with_skills_a_technician_and_its_own_hours() -> None:
    site = SiteFactory.create()
    washing, tyres = SkillFactory.create(code="washing"), SkillFactory.create(code="tyres")
    technician = UserFactory.create(roles=["technician"])
    info, created = ensure.resource(
        site_pk=site.pk,
        name="Mobile unit",
        kind="mobile_unit",
        skill_codes=["washing", "tyres"],
        technician_user_id=technician.pk,
        hours={2: [(time(9), time(12))]},
    )
    resource = Resource.objects.get(pk=info.pk)
    assert created is True
    assert (info.kind, info.site_pk, info.technician_user_id) == (
        "mobile_unit",
        site.pk,
        technician.pk,
    )
    assert set(resource.skills.all()) == {washing, tyres}
    assert ResourceHours.objects.filter(resource=resource).count() == 1
    assert public.resource_pks_of_technician(user_id=technician.pk) == [info.pk]


def test_an_existing_resource_is_found_by_name_per_site() -> None:
    site, other = SiteFactory.create(), SiteFactory.create()
    first, _ = ensure.resource(site_pk=site.pk, name="Bay 1")
    again, created = ensure.resource(site_pk=site.pk, name="BAY 1", kind="technician")
    elsewhere, created_elsewhere = ensure.resource(site_pk=other.pk, name="Bay 1")
    assert (again.pk, again.kind, created) == (first.pk, "bay", False)
    assert created_elsewhere is True
    assert elsewhere.pk != first.pk


def test_a_resource_needs_a_known_site_and_known_skills() -> None:
    with pytest.raises(NotFound):
        ensure.resource(site_pk=987654, name="Bay")
    with pytest.raises(NotFound):
        ensure.resource(site_pk=SiteFactory.create().pk, name="Bay", skill_codes=["flying"])
    assert not Resource.objects.exists()


def test_a_closure_is_created_once_for_the_same_owner_and_bounds() -> None:
    site = SiteFactory.create()
    closure_id, created = ensure.closure(site_pk=site.pk, start=T0, end=T1, reason="Christmas")
    again, created_again = ensure.closure(site_pk=site.pk, start=T0, end=T1)
    resource_closure, created_for_resource = ensure.closure(
        resource_pk=ensure.resource(site_pk=site.pk, name="Bay")[0].pk, start=T0, end=T1
    )
    assert (created, created_again, again) == (True, False, closure_id)
    assert created_for_resource is True
    assert resource_closure != closure_id
    assert Closure.objects.get(pk=closure_id).reason == "Christmas"


def test_a_closure_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        ensure.closure(site_pk=SiteFactory.create().pk, start=T1, end=T0)
