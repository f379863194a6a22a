"""Back-office: operators manage sites with inline hours and closures; overlapping hours are
refused; changelists cost the same number of queries whatever their size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scheduling.models import Closure, DateException, OpeningHours, Site
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 7, 31, 22, 0, tzinfo=UTC)  # 1 August, midnight in Paris
T1 = datetime(2026, 8, 1, 22, 0, tzinfo=UTC)


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(OperatorFactory.create())
    return client


def _site_form(**hours_rows: tuple[int, str, str]) -> dict[str, str]:
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
        ("/admin/scheduling/site/", lambda i: SiteFactory.create()),
        (
            "/admin/scheduling/resource/",
            lambda i: ResourceFactory.create(skills=[SkillFactory.create()]),
        ),
        (
            "/admin/scheduling/closure/",
            lambda i: ClosureFactory.create(
                site=None,
                resource=ResourceFactory.create(),
                start=datetime(2026, 8, 1, tzinfo=UTC),
                end=datetime(2026, 8, 2, tzinfo=UTC),
            ),
        ),
        (
            "/admin/scheduling/dateexception/",
            lambda i: DateException.objects.create(
                resource=ResourceFactory.create(), day=date(2026, 8, 1 + i), kind="hours"
            ).intervals.create(opens=time(9), closes=time(12)),
        ),
    ],
)
def test_changelists_cost_the_same_whatever_their_size(
    operator_client: Client, url: str, make: Callable[[int], object]
) -> None:
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
    resource = ResourceFactory.create(skills=[SkillFactory.create(name="Tyres")])
    response = operator_client.get(f"/admin/scheduling/resource/{resource.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode().lower()
    assert "tyres" in content
    assert "own hours" in content


def _closure_rows(data: dict[str, str], prefix: str, rows: list[tuple[str, str, str]]) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for index, (start, end, reason) in enumerate(rows):
        data[f"{prefix}-{index}-start_0"], data[f"{prefix}-{index}-start_1"] = start.split()
        data[f"{prefix}-{index}-end_0"], data[f"{prefix}-{index}-end_1"] = end.split()
        data[f"{prefix}-{index}-reason"] = reason


def test_operator_adds_a_site_with_its_hours_and_a_closure_in_one_form(
    operator_client: Client,
) -> None:
    data = _site_form(a=(1, "08:00", "12:00"))
    _closure_rows(data, "closures", [("2026-08-14 00:00", "2026-08-16 00:00", "Assumption")])

    response = operator_client.post("/admin/scheduling/site/add/", data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    site = Site.objects.get(name="Bastille")
    assert list(site.closures.values_list("reason", flat=True)) == ["Assumption"]
    assert site.opening_hours.count() == 1
    entry = LogEntry.objects.get(object_id=str(site.pk))
    assert "opening hours" in entry.get_change_message()


def test_changing_a_site_rewrites_its_week_and_its_closures_as_the_form_says(
    operator_client: Client,
) -> None:
    site = SiteFactory.create(
        name="Bastille", hours={1: [(time(8), time(12)), (time(13), time(18))]}
    )
    closure = ClosureFactory.create(site=site, start=T0, end=T1, reason="Old")
    morning, afternoon = site.opening_hours.order_by("opens")
    data = _site_form()
    data |= {
        "address": "2 rue Neuve",
        "opening_hours-TOTAL_FORMS": "3",
        "opening_hours-INITIAL_FORMS": "2",
        "closures-TOTAL_FORMS": "1",
        "closures-INITIAL_FORMS": "1",
    }
    for index, (row, weekday, opens, closes) in enumerate(
        [
            (morning, 1, "08:00", "12:30"),
            (afternoon, 1, "13:00", "18:00"),
            (None, 2, "09:00", "17:00"),
        ]
    ):
        data |= {
            f"opening_hours-{index}-weekday": str(weekday),
            f"opening_hours-{index}-opens": opens,
            f"opening_hours-{index}-closes": closes,
        }
        if row is not None:
            data |= {
                f"opening_hours-{index}-id": str(row.pk),
                f"opening_hours-{index}-site": str(site.pk),
            }
    data["opening_hours-1-DELETE"] = "on"
    _closure_rows(data, "closures", [("2026-08-01 00:00", "2026-08-03 00:00", "Longer")])
    data |= {"closures-0-id": str(closure.pk), "closures-0-site": str(site.pk)}

    response = operator_client.post(f"/admin/scheduling/site/{site.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    site.refresh_from_db()
    assert site.address == "2 rue Neuve"
    week = [(h.weekday, h.opens, h.closes) for h in site.opening_hours.order_by("weekday")]
    assert week == [(1, time(8), time(12, 30)), (2, time(9), time(17))]
    closure.refresh_from_db()
    assert (closure.reason, closure.end) == ("Longer", datetime(2026, 8, 3, tzinfo=UTC))


def test_staff_who_are_not_operators_cannot_change_a_site_even_with_the_permission() -> None:
    clerk = UserFactory.create(is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="scheduling", codename__in=["view_site", "change_site"]
        )
    )
    client = Client()
    client.force_login(clerk)
    site = SiteFactory.create(name="Bastille", hours={})
    data = _site_form() | {"address": "Elsewhere"}

    response = client.post(f"/admin/scheduling/site/{site.pk}/change/", data, follow=True)

    assert response.status_code == 200
    assert "You do not have permission to perform this action." in response.content.decode()
    site.refresh_from_db()
    assert site.address == "1 rue de la Paix, Paris"
    assert not LogEntry.objects.exists()


def test_operator_changes_a_resources_skills_and_own_hours(operator_client: Client) -> None:
    resource = ResourceFactory.create(name="Bay 1", skills=[SkillFactory.create(code="wash")])
    tyres = SkillFactory.create(code="tyres")
    data = {
        "site": str(resource.site_id),
        "name": "Bay 1",
        "kind": "bay",
        "active": "on",
        "technician": "",
        "skills": [str(tyres.pk)],
        "own_hours-TOTAL_FORMS": "1",
        "own_hours-INITIAL_FORMS": "0",
        "own_hours-0-weekday": "3",
        "own_hours-0-opens": "09:00",
        "own_hours-0-closes": "11:00",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }

    response = operator_client.post(f"/admin/scheduling/resource/{resource.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert list(resource.skills.values_list("code", flat=True)) == ["tyres"]
    assert [(h.weekday, h.opens) for h in resource.own_hours.all()] == [(3, time(9))]


def test_operator_adds_changes_and_deletes_a_closure(operator_client: Client) -> None:
    site = SiteFactory.create()
    form = {
        "site": str(site.pk),
        "resource": "",
        "start_0": "2026-08-01",
        "start_1": "00:00",
        "end_0": "2026-08-02",
        "end_1": "00:00",
        "reason": "Works",
    }
    assert operator_client.post("/admin/scheduling/closure/add/", form).status_code == 302
    closure = Closure.objects.get(site=site)
    url = f"/admin/scheduling/closure/{closure.pk}/"
    assert operator_client.post(f"{url}change/", form | {"reason": "Paint"}).status_code == 302
    closure.refresh_from_db()
    assert closure.reason == "Paint"
    both = form | {"resource": str(ResourceFactory.create(site=site).pk)}
    refused = operator_client.post(f"{url}change/", both)
    assert "A closure is for a site or for a resource, not both." in refused.content.decode()

    assert operator_client.post(f"{url}delete/", {"post": "yes"}).status_code == 302

    assert not Closure.objects.exists()


def test_operator_adds_and_changes_a_date_exception(operator_client: Client) -> None:
    site = SiteFactory.create(name="Bastille")
    url = "/admin/scheduling/dateexception/add/"
    form = {"site": str(site.pk), "resource": "", "day": "2026-08-15", "kind": "hours",
            "intervals": "09:00-12:00, 11:00-13:00", "reason": "Short day"}  # fmt: skip
    refused = operator_client.post(url, form)
    assert refused.status_code == 200  # the form again, with the reason
    assert "must not overlap" in refused.content.decode()
    assert not DateException.objects.exists()
    response = operator_client.post(url, {**form, "intervals": "09:00-12:00, 13:00-15:00"})
    assert response.status_code == 302, response.content.decode()
    exception = DateException.objects.get()
    assert [(i.opens, i.closes) for i in exception.intervals.all()] == [
        (time(9), time(12)),
        (time(13), time(15)),
    ]
    change = f"/admin/scheduling/dateexception/{exception.pk}/change/"
    page = operator_client.get(change).content.decode()
    assert "09:00-12:00, 13:00-15:00" in page
    response = operator_client.post(change, {**form, "kind": "closed", "intervals": ""})
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.kind == "closed"
    assert not exception.intervals.exists()
