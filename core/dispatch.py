"""Dispatching a domain event to its consumers (the worker side of core.outbox).

A consumer (an app's e-mails, core's webhooks) registers in its `AppConfig.ready()`. Dispatching
an event asks each consumer, outside any transaction, what it will deliver (it reads and renders
there), then records all of it in one short transaction that also marks the event dispatched:
the delivery rows carry unique constraints (one e-mail per event and recipient, one webhook
delivery per event and endpoint), so a second dispatch of the same event records nothing more.
The caller (core.tasks) then hands the recorded deliveries to the worker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core.clock import resolve_now
from core.models import EmailNotification, OutboxEvent, WebhookDelivery

logger = logging.getLogger(__name__)

# A dispatch that fails this many times (a consumer's bug) is left for a person: the admin
# shows its error and the sweeper stops handing it.
MAX_DISPATCH_ATTEMPTS = 20
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Event:
    """A domain event as its consumers see it (a plain value, not the outbox row)."""

    id: UUID
    type: str
    schema_version: int
    occurred_at: datetime
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, Any]

    @classmethod
    def of(cls, row: OutboxEvent) -> Event:
        return cls(
            id=row.id,
            type=row.type,
            schema_version=row.schema_version,
            occurred_at=row.occurred_at,
            aggregate_type=row.aggregate_type,
            aggregate_id=row.aggregate_id,
            payload=dict(row.payload),
        )


# What a consumer's `prepare` returns: a writer, called inside the dispatch transaction, that
# records the deliveries (no I/O there: only inserts).
Writer = Callable[[], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    prepare: Callable[[Event], Writer | None]
    event_types: frozenset[str] | None = None  # None: every event type

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


@dataclass
class _Registry:
    consumers: dict[str, Consumer] = field(default_factory=dict)
    # The event types integrations may subscribe to (webhooks), with what each says.
    public_types: dict[str, str] = field(default_factory=dict)


_registry = _Registry()


def register_consumer(consumer: Consumer) -> None:
    """Called from AppConfig.ready(); registering a name again replaces it (autoreload)."""
    _registry.consumers[consumer.name] = consumer


def unregister_consumer(name: str) -> None:
    _registry.consumers.pop(name, None)


def consumers() -> list[Consumer]:
    return list(_registry.consumers.values())


def register_public_event_types(types: dict[str, str]) -> None:
    """The event types that webhooks may subscribe to, each with a one-line description."""
    _registry.public_types.update(types)


def public_event_types() -> dict[str, str]:
    return dict(sorted(_registry.public_types.items()))


@dataclass(frozen=True)
class Dispatched:
    """What the worker should hand on after the dispatch committed."""

    email_ids: list[int]
    webhook_ids: list[int]


NOTHING = Dispatched(email_ids=[], webhook_ids=[])


def dispatch_event(*, event_id: UUID | str, now: datetime | None = None) -> Dispatched:
    """Runs the consumers of one event once; a second call (a duplicate message, the sweeper)
    finds it dispatched and records nothing. Raises what a consumer raised (the task retries)."""
    moment = resolve_now(now)
    row = OutboxEvent.objects.filter(pk=event_id).first()
    if row is None or row.dispatched_at is not None:
        return NOTHING
    event = Event.of(row)
    try:
        writers = [
            writer
            for consumer in consumers()
            if consumer.wants(event.type) and (writer := consumer.prepare(event)) is not None
        ]
        with transaction.atomic():
            # Two dispatches of one event at once: the second waits here, then finds it done.
            locked = (
                OutboxEvent.objects.select_for_update()
                .filter(pk=event.id, dispatched_at__isnull=True)
                .first()
            )
            if locked is None:
                return NOTHING
            for writer in writers:
                writer()
            OutboxEvent.objects.filter(pk=event.id).update(
                dispatched_at=moment, attempts=locked.attempts + 1, last_error=""
            )
    except Exception as exc:
        OutboxEvent.objects.filter(pk=event.id).update(
            attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return Dispatched(
        email_ids=list(
            EmailNotification.objects.filter(
                event_id=event.id, status=EmailNotification.Status.QUEUED
            ).values_list("pk", flat=True)
        ),
        webhook_ids=list(
            WebhookDelivery.objects.filter(
                event_id=event.id, status=WebhookDelivery.Status.PENDING
            ).values_list("pk", flat=True)
        ),
    )


@dataclass(frozen=True)
class Missed:
    event_ids: list[str]
    email_ids: list[int]
    webhook_ids: list[int]


def missed(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> Missed:
    """What the sweeper hands again: events still not dispatched a while after they occurred
    (the process died between its commit and the hand-off, or the broker lost the message);
    e-mails and webhook deliveries a while past their due time, or claimed by a worker that
    died (their lease ran out)."""
    moment = resolve_now(now)
    late = moment - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    events = (
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True,
            occurred_at__lte=late,
            attempts__lt=MAX_DISPATCH_ATTEMPTS,
        )
        .order_by("occurred_at")
        .values_list("pk", flat=True)[:batch]
    )
    emails = (
        EmailNotification.objects.filter(
            Q(status=EmailNotification.Status.QUEUED, next_attempt_at__lte=late)
            | Q(status=EmailNotification.Status.SENDING, lease_until__lte=moment)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    webhooks = (
        WebhookDelivery.objects.filter(
            # Long waits of the webhook schedule are handed by the sweeper alone: no grace.
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=moment)
            | Q(status=WebhookDelivery.Status.SENDING, lease_until__lte=moment)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    return Missed(
        event_ids=[str(pk) for pk in events], email_ids=list(emails), webhook_ids=list(webhooks)
    )


def outbox_purge(*, now: datetime | None = None) -> int:
    """Deletes the events dispatched longer ago than OUTBOX_RETENTION_DAYS whose e-mails and
    webhook deliveries are all finished, with those records. Returns how many events."""
    cutoff = resolve_now(now) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    unfinished_emails = EmailNotification.objects.filter(
        status__in=[EmailNotification.Status.QUEUED, EmailNotification.Status.SENDING]
    ).values("event_id")
    unfinished_webhooks = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING]
    ).values("event_id")
    old = (
        OutboxEvent.objects.filter(dispatched_at__lte=cutoff)
        .exclude(pk__in=unfinished_emails)
        .exclude(pk__in=unfinished_webhooks)
    )
    deleted = 0
    # In batches: one huge DELETE would hold its locks for long.
    while ids := list(old.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            OutboxEvent.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def events_of(aggregate_type: str, aggregate_ids: Iterable[str]) -> list[Event]:
    """The events of some aggregates, oldest first (tests, the admin)."""
    rows = OutboxEvent.objects.filter(
        aggregate_type=aggregate_type, aggregate_id__in=list(aggregate_ids)
    ).order_by("occurred_at")
    return [Event.of(row) for row in rows]
