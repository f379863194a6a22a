"""Back-office: operators manage sites with inline hours and closures; overlapping hours are
refused; changelists cost the same number of queries whatever their size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scheduling.models import OpeningHours, Site
from tests.accounts.factories import OperatorFactory
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(OperatorFactory())
    return client


def _site_form(**hours_rows) -> dict[str, str]:
    data = {
        "name": "Bastille",
        "timezone": "Europe/Paris",
        "address": "",
        "latitude": "",
        "longitude": "",
        "slot_step_minutes": "15",
        "min_notice_minutes": "120",
        "horizon_days": "60",
        "confirmation_window_minutes": "120",
        "opening_hours-TOTAL_FORMS": str(len(hours_rows)),
        "opening_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }
    for index, (weekday, opens, closes) in enumerate(hours_rows.values()):
        data[f"opening_hours-{index}-weekday"] = str(weekday)
        data[f"opening_hours-{index}-opens"] = opens
        data[f"opening_hours-{index}-closes"] = closes
    return data


def test_operator_creates_a_site_with_a_lunch_break(operator_client: Client) -> None:
    response = operator_client.post(
        "/admin/scheduling/site/add/",
        _site_form(a=(1, "08:00", "12:00"), b=(1, "13:30", "18:00")),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    site = Site.objects.get(name="Bastille")
    assert OpeningHours.objects.filter(site=site).count() == 2


def test_overlapping_or_overnight_hours_are_refused(operator_client: Client) -> None:
    overlap = operator_client.post(
        "/admin/scheduling/site/add/",
        _site_form(a=(1, "08:00", "12:00"), b=(1, "11:00", "14:00")),
    )
    assert overlap.status_code == 200
    assert "must not overlap" in overlap.content.decode()
    overnight = operator_client.post(
        "/admin/scheduling/site/add/", _site_form(a=(2, "22:00", "02:00"))
    )
    assert overnight.status_code == 200
    assert not Site.objects.exists()


def test_bad_timezone_is_refused(operator_client: Client) -> None:
    form = _site_form()
    form["timezone"] = "Mars/Olympus"
    response = operator_client.post("/admin/scheduling/site/add/", form)
    assert response.status_code == 200
    assert "is not an IANA timezone" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/scheduling/site/", lambda i: SiteFactory()),
        (
            "/admin/scheduling/resource/",
            lambda i: ResourceFactory(skills=[SkillFactory()]),
        ),
        (
            "/admin/scheduling/closure/",
            lambda i: ClosureFactory(
                site=None,
                resource=ResourceFactory(),
                start=datetime(2026, 8, 1, tzinfo=UTC),
                end=datetime(2026, 8, 2, tzinfo=UTC),
            ),
        ),
    ],
)
def test_changelists_cost_the_same_whatever_their_size(operator_client: Client, url, make) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert operator_client.get(url).status_code == 200
        return len(queries)

    make(0)
    small = count()
    for i in range(8):
        make(i)
    assert count() == small


def test_resource_change_page_shows_skills_and_own_hours(operator_client: Client) -> None:
    resource = ResourceFactory(skills=[SkillFactory(name="Tyres")])
    response = operator_client.get(f"/admin/scheduling/resource/{resource.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode().lower()
    assert "tyres" in content
    assert "own hours" in content
