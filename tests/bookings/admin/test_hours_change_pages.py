"""The bookings back-office's pages for a change of hours (close time, a date exception, a
resource's deactivation): malformed input is a form error or ignored, never a server error."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.models import User
from scheduling.models import Closure, DateException
from tests.bookings.admin.conftest import CHANGELIST
from tests.bookings.factories import World, at

pytestmark = pytest.mark.django_db

CLOSE_TIME = f"{CHANGELIST}close-time/"
DATE_EXCEPTION = f"{CHANGELIST}date-exception/"
OUT_OF_RANGE = "Give a year between 2000 and 2999."


def _closure_form(world: World, **extra: str) -> dict[str, str]:
    return {
        "site": str(world.site.pk),
        "resource": "",
        "start": at(world.day, 8).strftime("%Y-%m-%dT%H:%M"),
        "end": at(world.day, 11).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Flooded workshop",
        **extra,
    }


def test_a_choice_key_that_is_not_a_booking_number_is_ignored(
    world: World, operator_client: Client
) -> None:
    response = operator_client.post(
        CLOSE_TIME, _closure_form(world, confirm="1", **{"choice-²": "cancel"})
    )
    assert response.status_code == 302
    assert Closure.objects.filter(reason="Flooded workshop").exists()


@pytest.mark.parametrize(
    ("field", "value"), [("start", "0001-01-01T00:00"), ("end", "9999-12-31T23:00")]
)
def test_a_closure_out_of_the_calendar_is_a_form_error(
    world: World, operator_client: Client, field: str, value: str
) -> None:
    response = operator_client.post(CLOSE_TIME, _closure_form(world, confirm="1", **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]
    assert not Closure.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_exception_out_of_the_calendar_is_a_form_error(
    world: World, operator_client: Client, day: str
) -> None:
    form = {"site": str(world.site.pk), "resource": "", "day": day, "kind": "closed",
            "intervals": "", "reason": "Flood"}  # fmt: skip
    for extra in ({"preview": "1"}, {"confirm": "1"}):
        response = operator_client.post(DATE_EXCEPTION, {**form, **extra})
        assert response.status_code == 200
        assert response.context["form"].errors["day"] == [OUT_OF_RANGE]
    assert not DateException.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_date_exceptions_own_page_refuses_a_day_out_of_the_calendar(
    world: World, operator_client: Client, day: str
) -> None:
    form = {"site": str(world.site.pk), "resource": "", "day": day, "kind": "closed",
            "intervals": "", "reason": "Flood"}  # fmt: skip
    response = operator_client.post("/admin/scheduling/dateexception/add/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["day"] == [OUT_OF_RANGE]
    assert not DateException.objects.exists()


@pytest.mark.parametrize(
    ("page", "codename"),
    [
        ("close-time/", "add_closure"),
        ("date-exception/", "add_dateexception"),
        ("date-exception/", "change_dateexception"),
        ("deactivate-resource/", "change_resource"),
    ],
)
def test_each_page_asks_for_the_scheduling_permission_of_its_change(
    world: World, page: str, codename: str
) -> None:
    """An operator who may change bookings but not this part of the hours cannot change it from
    the bookings side either."""
    url = f"{CHANGELIST}{page}"
    client = Client()
    client.force_login(world.operator)
    assert client.get(url).status_code == 200
    Group.objects.get(name="operator").permissions.remove(
        Permission.objects.get(content_type__app_label="scheduling", codename=codename)
    )
    client.force_login(User.objects.get(pk=world.operator.pk))  # no cached permissions
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1", "reason": "x"}).status_code == 403
