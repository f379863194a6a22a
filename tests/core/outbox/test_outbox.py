"""The outbox in eager mode (no broker: the tasks run in this process right after the commit),
with real commits: an event is written with its change or not at all, dispatched once, its
e-mail sent once, its webhook delivered once; a process that dies between the commit and the
hand-off loses nothing (the sweeper hands the event); duplicates send nothing twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from core import outbox, tasks
from core.clock import utcnow
from core.models import EmailNotification, OutboxEvent, WebhookAttempt, WebhookDelivery
from core.outbox import emit
from core.webhooks import endpoints
from tests.core.outbox.conftest import TEST_TYPE

pytestmark = pytest.mark.django_db(transaction=True)


def _endpoint(receiver: Any, types: tuple[str, ...] = (TEST_TYPE,)) -> Any:
    return endpoints.webhook_endpoint_add(url=receiver.url, event_types=types, actor=None)


def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        emit(TEST_TYPE, {}, aggregate_type="thing", aggregate_id="x")
    assert not OutboxEvent.objects.exists()


def test_a_rolled_back_change_writes_no_event_and_sends_nothing(receiver: Any) -> None:
    _endpoint(receiver)

    class Boom(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            emit(TEST_TYPE, {"to": ["ana@example.com"]}, aggregate_type="thing", aggregate_id="x")
            raise Boom()

    with pytest.raises(Boom):
        change_that_fails()
    assert not OutboxEvent.objects.exists()
    assert mail.outbox == []
    assert receiver.received == []


def test_a_committed_event_is_dispatched_and_delivered_once(happen: Any, receiver: Any) -> None:
    made = _endpoint(receiver)
    event_id = happen("thing-1", to=("ana@example.com", "bob@example.com"))

    event = OutboxEvent.objects.get()
    assert event.id == event_id
    assert event.dispatched_at is not None
    assert event.attempts == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "bob@example.com"]
    assert set(EmailNotification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(receiver.received) == 1
    request = receiver.received[0]
    body = Webhook(made.secret).verify(request.body, request.headers)
    assert body["id"] == str(event_id)
    assert body["type"] == TEST_TYPE
    assert body["data"] == {"name": "thing-1", "to": ["ana@example.com", "bob@example.com"]}
    assert request.headers["webhook-id"] == str(event_id)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_the_process_dies_between_commit_and_dispatch_and_the_sweeper_delivers(
    happen: Any, receiver: Any, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    _endpoint(receiver)
    now = utcnow()
    clock.set(now)

    def died(event_ids: Any) -> None:
        raise SystemExit("killed right after the commit")  # nothing handed to the worker

    monkeypatch.setattr(outbox.relay, "_impl", died)
    with pytest.raises(SystemExit):
        happen("thing-1")
    monkeypatch.undo()
    clock.set(now)
    event = OutboxEvent.objects.get()
    assert event.dispatched_at is None  # committed, never handed
    assert mail.outbox == []

    # A restarted process: the sweeper leaves a fresh event to its own hand-off...
    assert tasks.sweep() == {"events": 0, "emails": 0, "webhooks": 0}
    # ...and hands it once it is late.
    clock.set(now + timedelta(seconds=31))
    assert tasks.sweep()["events"] == 1

    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert len(receiver.received) == 1
    # Sweeping again sends nothing more.
    clock.set(now + timedelta(minutes=5))
    assert tasks.sweep() == {"events": 0, "emails": 0, "webhooks": 0}
    assert len(mail.outbox) == 1
    assert len(receiver.received) == 1


def test_a_duplicate_dispatch_sends_one_email_and_one_webhook(
    happen: Any, receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _endpoint(receiver)
    handed: list[str] = []
    monkeypatch.setattr(outbox.relay, "_impl", handed.extend)  # hand-offs noted, not run
    happen("thing-1")
    monkeypatch.undo()
    (event_id,) = handed

    # The broker delivers the same message twice (a worker died before acknowledging it), and
    # each dispatch hands its e-mail and webhook twice more.
    for _ in range(2):
        tasks.dispatch_event.apply(args=(event_id,))
    email_id = EmailNotification.objects.get().pk
    delivery_id = WebhookDelivery.objects.get().pk
    tasks.hand_emails([email_id, email_id])
    tasks.hand_webhooks([delivery_id, delivery_id])

    assert len(mail.outbox) == 1
    assert len(receiver.received) == 1
    assert EmailNotification.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert WebhookAttempt.objects.count() == 1
    assert OutboxEvent.objects.get().attempts == 1


def test_a_consumer_that_fails_leaves_the_event_for_the_sweeper(
    happen: Any, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    from core import dispatch

    now = utcnow()
    clock.set(now)
    broken = dispatch.Consumer(
        name="tests.broken",
        prepare=lambda event: 1 / 0,  # type: ignore[arg-type,return-value]
    )
    dispatch.register_consumer(broken)
    try:
        happen("thing-1")
        event = OutboxEvent.objects.get()
        assert event.dispatched_at is None
        assert event.attempts == 1
        assert "ZeroDivisionError" in event.last_error
        assert mail.outbox == []  # all or nothing: the other consumers recorded nothing either
    finally:
        dispatch.unregister_consumer("tests.broken")
    clock.set(now + timedelta(minutes=1))
    tasks.sweep()
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.last_error == ""
    assert len(mail.outbox) == 1


def test_suppressed_events_are_not_written(happen: Any) -> None:
    with outbox.events_suppressed():
        assert happen("thing-1") is None
    assert not OutboxEvent.objects.exists()
    assert mail.outbox == []
