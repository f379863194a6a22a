"""`manage.py webhooks` (add, list, rotate-secret, disable, enable), `outbox_sweep`,
`purge_outbox`, and the beat schedule: every periodic job names a task the worker knows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from config.celery import BEAT_SCHEDULE, app
from core.clock import utcnow
from core.dispatch import outbox_purge
from core.models import EmailNotification, OutboxEvent, WebhookEndpoint
from tests.core.outbox.conftest import TEST_TYPE

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_prints_the_id_and_the_secret_once() -> None:
    out = run(
        "webhooks",
        "add",
        "--url",
        "https://crm.example.com/hooks",
        "--events",
        f"{TEST_TYPE},test.other",
    )
    endpoint = WebhookEndpoint.objects.get()
    assert f"id: {endpoint.pk}" in out
    assert f"secret: {endpoint.secret}" in out
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.event_types == sorted([TEST_TYPE, "test.other"])
    listing = run("webhooks", "list")
    assert "https://crm.example.com/hooks" in listing
    assert endpoint.secret not in listing


def test_rotate_disable_enable() -> None:
    run("webhooks", "add", "--url", "https://crm.example.com/hooks", "--events", TEST_TYPE)
    endpoint = WebhookEndpoint.objects.get()
    out = run("webhooks", "rotate-secret", str(endpoint.pk))
    rotated = WebhookEndpoint.objects.get()
    assert rotated.secret != endpoint.secret
    assert f"secret: {rotated.secret}" in out
    assert "Endpoint 1 disabled." in run("webhooks", "disable", str(endpoint.pk)).replace(
        str(endpoint.pk), "1"
    )
    assert not WebhookEndpoint.objects.get().active
    assert "already disabled" in run("webhooks", "disable", str(endpoint.pk))
    run("webhooks", "enable", str(endpoint.pk))
    assert WebhookEndpoint.objects.get().active


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="Unknown event type"):
        run(
            "webhooks",
            "add",
            "--url",
            "https://crm.example.com/hooks",
            "--events",
            "booking.teleported",
        )
    with pytest.raises(CommandError, match="http"):
        run("webhooks", "add", "--url", "ftp://x", "--events", TEST_TYPE)
    with pytest.raises(CommandError, match="No webhook endpoint 42"):
        run("webhooks", "disable", "42")


def test_outbox_sweep_command_hands_what_was_missed(
    happen: Any, monkeypatch: Any, clock: Any
) -> None:
    from core import outbox

    monkeypatch.setattr(outbox.relay, "_impl", lambda ids: None)
    happen("thing-1")
    monkeypatch.undo()
    clock.set(utcnow() + timedelta(minutes=1))
    assert "Handed 1 event(s), 0 e-mail(s)" in run("outbox_sweep")
    assert EmailNotification.objects.get().status == "sent"


def test_purge_keeps_recent_and_unfinished_events(happen: Any, clock: Any, smtp: Any) -> None:
    now = utcnow()
    clock.set(now - timedelta(days=40))
    happen("old-sent")
    smtp.sink.refusing = True
    happen("old-unsent")  # its e-mail is still queued: kept
    smtp.sink.refusing = False
    clock.set(now)
    happen("recent")
    assert outbox_purge(now=now) == 1
    assert sorted(OutboxEvent.objects.values_list("aggregate_id", flat=True)) == [
        "old-unsent",
        "recent",
    ]
    assert "Purged 0 old event(s)." in run("purge_outbox")


def test_every_periodic_job_is_a_registered_task() -> None:
    app.loader.import_default_modules()
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= set(app.tasks)
    assert BEAT_SCHEDULE["expire-pending-bookings"]["schedule"] == timedelta(minutes=1)
    assert BEAT_SCHEDULE["outbox-sweep"]["schedule"] <= timedelta(minutes=1)
