"""Every changelist of the back-office runs a constant number of queries whatever the number of
rows (SPEC §8): each registered ModelAdmin is listed below with a maker of rows and its pinned
count, measured with a few rows and with many more. A ModelAdmin registered without an entry here
fails `test_every_registered_changelist_is_pinned`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from tests.accounts.factories import OperatorFactory, UserFactory
from tests.bookings.factories import BookingFactory, World, make_world
from tests.pricing.factories import (
    CategoryOverrideFactory,
    OptionFactory,
    PriceRuleFactory,
    PromoCodeFactory,
    PromoRedemptionFactory,
    ServiceFactory,
    SkillFactory,
)
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 15
STATES = ["pending", "confirmed", "in_progress", "completed", "cancelled", "expired", "no_show"]
Maker = Callable[[World, int], object]


def _user(world: World, n: int) -> object:
    return UserFactory.create(roles=["customer", "technician"] if n % 2 else ["customer"])


def _group(world: World, n: int) -> object:
    group = Group.objects.create(name=f"group {n} {uuid4().hex[:6]}")
    group.permissions.set(Permission.objects.order_by("pk")[: n + 1])
    return group


def _booking(world: World, n: int) -> object:
    _customer, vehicle = world.new_customer()
    return BookingFactory.create(
        site=world.site,
        resource=world.resources[n % len(world.resources)],
        service=world.service,
        vehicle=vehicle,
        start=world.day + timedelta(hours=8, minutes=30 * n),
        state=STATES[n % len(STATES)],
    )


def _service(world: World, n: int) -> object:
    service = ServiceFactory.create(required_skill=SkillFactory.create())
    CategoryOverrideFactory.create(service=service)
    OptionFactory.create(services=[service])
    return service


def _skill(world: World, n: int) -> object:
    skill = SkillFactory.create()
    ServiceFactory.create(required_skill=skill)
    return skill


def _option(world: World, n: int) -> object:
    return OptionFactory.create(services=[ServiceFactory.create(), ServiceFactory.create()])


def _price_rule(world: World, n: int) -> object:
    return PriceRuleFactory.create(services=[ServiceFactory.create()])


def _resource(world: World, n: int) -> object:
    technician = UserFactory.create(roles=["technician"])
    return ResourceFactory.create(
        skills=[SkillFactory.create(), SkillFactory.create()], technician=technician
    )


def _closure(world: World, n: int) -> object:
    start = datetime(2026, 8, 1, tzinfo=UTC) + timedelta(days=n)
    if n % 2:
        return ClosureFactory.create(
            site=SiteFactory.create(), start=start, end=start + timedelta(hours=4)
        )
    return ClosureFactory.create(
        site=None, resource=ResourceFactory.create(), start=start, end=start + timedelta(hours=4)
    )


def _date_exception(world: World, n: int) -> object:
    from datetime import date, time

    from scheduling.models import DateException, Resource, Site

    day = date(2026, 8, 1) + timedelta(days=n)
    owner: dict[str, Site | Resource] = (
        {"site": SiteFactory.create()} if n % 2 else {"resource": ResourceFactory.create()}
    )
    exception = DateException.objects.create(day=day, kind="hours", **owner)
    exception.intervals.create(opens=time(9), closes=time(12))
    exception.intervals.create(opens=time(14), closes=time(16))
    return exception


def _outstanding(world: World, n: int) -> Any:
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    return OutstandingToken.objects.create(
        user=UserFactory.create(),
        jti=uuid4().hex,
        token=f"token-{uuid4().hex}",
        created_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(days=7),
    )


def _blacklisted(world: World, n: int) -> object:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    return BlacklistedToken.objects.create(token=_outstanding(world, n))


def _event(world: World, n: int) -> Any:
    from core.models import OutboxEvent

    return OutboxEvent.objects.create(
        type="booking.created",
        occurred_at=datetime.now(UTC),
        aggregate_type="booking",
        aggregate_id=str(uuid4()),
        payload={"n": n},
    )


def _email(world: World, n: int) -> object:
    from core.models import EmailNotification

    now = datetime.now(UTC)
    return EmailNotification.objects.create(
        event=_event(world, n),
        recipient=f"user{n}@example.com",
        kind="booking_created",
        subject=f"Booking {n}",
        body_text="Hello",
        next_attempt_at=now,
        created_at=now,
        last_error="SMTPServerDisconnected: " + "x" * 200 if n % 2 else "",
    )


def _endpoint(world: World, n: int) -> Any:
    from core.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        url=f"https://hooks{n}.example.com/in",
        event_types=["booking.created", "booking.cancelled"],
        secret=f"whsec_{uuid4().hex}",
        created_at=datetime.now(UTC),
    )


def _delivery(world: World, n: int) -> object:
    from core.models import WebhookDelivery

    now = datetime.now(UTC)
    return WebhookDelivery.objects.create(
        event=_event(world, n), endpoint=_endpoint(world, n), next_attempt_at=now, created_at=now
    )


def _totp_device(world: World, n: int) -> object:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(
        user=UserFactory.create(is_staff=True), name="Authenticator app"
    )


def _static_device(world: World, n: int) -> object:
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.create(
        user=UserFactory.create(is_staff=True), name="Recovery codes"
    )


# model label -> (who looks, row maker, pinned queries for the page)
# Queries common to every page: the session, the user, the operator's access (permissions and
# roles, one query; none for a superuser), the counts (filtered and total; the bookings' list
# counts once while unfiltered) and the page itself; then each admin's filters' choices and its
# own joins, never one per row.
CHANGELISTS: dict[str, tuple[str, Maker, int]] = {
    "accounts.User": ("operator", _user, 7),
    "auth.Group": ("superuser", _group, 5),
    "bookings.Booking": ("operator", _booking, 10),
    "core.EmailNotification": ("operator", _email, 9),
    "core.OutboxEvent": ("operator", _event, 9),
    "core.WebhookDelivery": ("operator", _delivery, 9),
    "core.WebhookEndpoint": ("operator", _endpoint, 6),
    "otp_static.StaticDevice": ("superuser", _static_device, 5),
    "otp_totp.TOTPDevice": ("superuser", _totp_device, 5),
    "pricing.Option": ("operator", _option, 6),
    "pricing.PriceRule": ("operator", _price_rule, 6),
    "pricing.PromoCode": ("operator", lambda w, n: PromoCodeFactory.create(), 6),
    "pricing.PromoRedemption": ("operator", lambda w, n: PromoRedemptionFactory.create(), 6),
    "pricing.Service": ("operator", _service, 7),
    "pricing.Skill": ("operator", _skill, 6),
    "scheduling.Closure": ("operator", _closure, 9),
    "scheduling.DateException": ("operator", _date_exception, 10),
    "scheduling.Resource": ("operator", _resource, 8),
    "scheduling.Site": ("operator", lambda w, n: SiteFactory.create(), 7),
    "token_blacklist.BlacklistedToken": ("superuser", _blacklisted, 5),
    "token_blacklist.OutstandingToken": ("superuser", _outstanding, 5),
    "vehicles.Vehicle": ("operator", lambda w, n: VehicleFactory.create(), 6),
}


def test_every_registered_changelist_is_pinned() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(CHANGELISTS)


def _url(label: str) -> str:
    app_label, model = label.lower().split(".")
    return f"/admin/{app_label}/{model}/"


@pytest.mark.parametrize("label", sorted(CHANGELISTS))
def test_a_changelist_costs_the_same_queries_whatever_its_size(
    label: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    who, make, pinned = CHANGELISTS[label]
    world = make_world(resources=3)
    client = Client()
    if who == "operator":
        client.force_login(OperatorFactory.create())
    else:
        client.force_login(UserFactory.create(is_staff=True, is_superuser=True, roles=[]))
    url = _url(label)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.context["cl"].result_count

    for n in range(FEW):
        make(world, n)
    client.get(url)  # sessions and content types warmed
    few, few_rows = measure()
    for n in range(FEW, MANY):
        make(world, n)
    many, many_rows = measure()
    assert many_rows >= few_rows + MANY - FEW
    assert many == few, f"{label}: {few} queries with {few_rows} rows, {many} with {many_rows}"
    with django_assert_max_num_queries(pinned):
        client.get(url)
    assert many == pinned, f"{label}: pinned at {pinned}, now {many}"
