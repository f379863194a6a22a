"""seed_demo as staff run it: a realistic data set, the same for the same seed and moment, a second
run that changes nothing, a progress bar on long runs and a clear refusal of bad sizes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core import mail, serializers
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import User
from bookings.models import Booking, BookingEvent
from core.models import OutboxEvent
from scheduling.models import Closure, Resource, Site

pytestmark = pytest.mark.django_db

NOW = "2026-06-10T09:30:00+02:00"  # a Wednesday
SMALL = ("--seed", "1", "--customers", "6", "--bookings", "30", "--now", NOW)
PROJECT_APPS = ("accounts", "vehicles", "pricing", "scheduling", "bookings")


def seed(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def bookings_fingerprint() -> list[tuple[Any, ...]]:
    """What an operator would compare: who booked which car where, when, in which state, at
    what price; random identifiers (references, public ids) left out."""
    rows = Booking.objects.values_list(
        "customer__email",
        "vehicle_plate",
        "site__name",
        "resource__name",
        "service__code",
        "start",
        "end",
        "state",
        "total",
        "fee",
        "rating",
    )
    return sorted(rows, key=repr)


def everything() -> list[str]:
    """Every stored row of the project's apps, serialised (a second run must not change one)."""
    dumped = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            dumped.append(serializers.serialize("json", model._default_manager.order_by("pk")))
    return dumped


def test_the_demo_data_set_has_what_the_back_office_needs() -> None:
    output = seed(*SMALL)

    assert set(Site.objects.values_list("timezone", flat=True)) == {"Europe/Paris"}
    assert Site.objects.count() == 2
    assert Resource.objects.count() == 10
    assert Closure.objects.exists()
    states = Counter(Booking.objects.values_list("state", flat=True))
    assert set(states) == {
        "pending",
        "confirmed",
        "in_progress",
        "completed",
        "cancelled",
        "expired",
        "no_show",
    }
    assert sum(states.values()) >= 25  # a few planned bookings may find no free start
    # Every booking lived through the state machine: each has its history from creation on.
    assert BookingEvent.objects.values("booking").distinct().count() == sum(states.values())
    for email in ("admin@example.com", "operator@example.com", "technician@example.com"):
        assert User.objects.get(email=email).is_active
    assert User.objects.get(email="operator@example.com").groups.filter(name="operator").exists()
    assert "operator@example.com / operator" in output
    assert mail.outbox == []  # the fictional customers are never written to
    assert not OutboxEvent.objects.exists()  # nor any webhook told of them


def test_the_same_seed_and_moment_give_the_same_data_set() -> None:
    with transaction.atomic():
        seed(*SMALL)
        first = bookings_fingerprint()
        transaction.set_rollback(True)
    assert not Booking.objects.exists()

    seed(*SMALL)

    assert bookings_fingerprint() == first
    assert len(first) >= 25


def test_another_seed_gives_other_bookings() -> None:
    with transaction.atomic():
        seed(*SMALL)
        first = bookings_fingerprint()
        transaction.set_rollback(True)

    seed("--seed", "2", *SMALL[2:])

    assert bookings_fingerprint() != first


def test_a_second_run_changes_nothing() -> None:
    seed(*SMALL)
    before = everything()

    output = seed(*SMALL)

    assert everything() == before
    assert "Bookings: 0 made" in output


def test_a_second_run_a_week_later_still_changes_nothing() -> None:
    seed(*SMALL)
    before = everything()
    later = "2026-06-17T09:30:00+02:00"

    seed("--seed", "1", "--customers", "6", "--bookings", "30", "--now", later)

    assert everything() == before


def test_long_runs_show_a_progress_bar() -> None:
    output = seed("--seed", "3", "--customers", "3", "--bookings", "12", "--now", NOW, "--progress")

    assert "bookings" in output or "transitions" in output
    assert "[" in output
    assert "]" in output
    assert "12/12" in output.replace(" ", "")


@pytest.mark.parametrize(
    "args",
    [
        ("--bookings", "-1"),
        ("--customers", "many"),
        ("--bookings", "999999999"),
        ("--now", "2026-06-10T09:30:00"),  # no offset: ambiguous
        ("--now", "yesterday"),
    ],
)
def test_bad_sizes_and_moments_are_refused_and_nothing_is_stored(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        seed(*args)

    assert not Booking.objects.exists()
    assert not Site.objects.exists()


def test_bookings_lie_around_the_moment_given() -> None:
    seed(*SMALL)

    from datetime import datetime

    now = datetime.fromisoformat(NOW)
    starts = list(Booking.objects.values_list("start", flat=True))
    assert min(starts) < now < max(starts)
    assert max(starts) - now <= timedelta(days=60)
    future = Booking.objects.filter(start__gt=now)
    assert not future.filter(state__in=["completed", "no_show", "in_progress"]).exists()
    assert not Booking.objects.filter(start__lt=now, state="pending").exists()
