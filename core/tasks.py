"""The worker's tasks for the outbox (thin: each calls a use case of core.dispatch, core.emails
or core.webhooks, and hands on what that recorded).

Every task is safe to run twice (a message delivered again after a worker died, two beats, the
sweeper handing what a task is already doing): dispatching finds the event dispatched, sending
claims its row with a compare-and-set and finds it sent. Retries: exponential backoff with
jitter, bounded by the attempts counted on each row; a wait longer than
SHORT_RETRY_MAX_SECONDS is not put on the broker (Redis would deliver such a countdown again
after its visibility timeout): the sweeper hands the row when it is due. In eager mode (no
broker) nothing is retried in the request: the row waits for the sweeper.

An unreachable database (OperationalError, InterfaceError: PostgreSQL restarting, a dropped
connection) is retried by every task with Celery's exponential backoff and jitter
(DATABASE_RETRY: 2 s, 4 s, 8 s ... up to 5 min, 10 times); Celery's Django fixup closes the
broken connection after the task, so the next try connects afresh (no worker restart). In eager
mode that retry does not apply either (DatabaseRetryTask): one attempt, then the sweeper."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from core import dispatch
from core.emails import email_attempt
from core.idempotency import idempotency_purge
from core.request_context import get_request_id
from core.retry import backoff_seconds
from core.webhooks.delivery import RETRY_SCHEDULE, webhook_attempt
from core.worker_signals import REQUEST_ID_HEADER

logger = logging.getLogger(__name__)

SHORT_RETRY_MAX_SECONDS = 600
DISPATCH_RETRIES = 8


class DatabaseRetryTask(Task):  # type: ignore[type-arg]
    """A task whose autoretry (DATABASE_RETRY) is for a worker only: in eager mode (no broker)
    Celery would ignore the countdown and run every retry at once, inside the request; there the
    error ends the attempt and the row waits for the sweeper (or the next beat)."""

    def retry(self, *args: Any, **kwargs: Any) -> Any:
        exc = kwargs.get("exc")
        if self.request.is_eager and isinstance(exc, OperationalError | InterfaceError):
            raise exc
        return super().retry(*args, **kwargs)


# Every task's options for a database that is down for a while (docs/rules/events.md).
DATABASE_RETRY: dict[str, Any] = {
    "base": DatabaseRetryTask,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


def _eager(task: Task[..., Any]) -> bool:
    return bool(task.request.is_eager)


def _again(task: Task[..., Any], delay: float | None, *, max_retries: int) -> None:
    """Puts a short retry on the broker; a long one, or any in eager mode, waits for the sweeper."""
    if delay is None or _eager(task) or delay > SHORT_RETRY_MAX_SECONDS:
        return
    raise task.retry(countdown=delay, max_retries=max_retries)


def _publish(task: Any, values: Iterable[Any]) -> int:
    """Hands each value to `task`; one that cannot be handed (broker down) is left to the
    sweeper, which finds it in the database."""
    handed = 0
    for value in values:
        try:
            # The request (or task) that caused it: its log lines carry the same id.
            task.apply_async(args=[value], headers={REQUEST_ID_HEADER: get_request_id()})
            handed += 1
        except Exception:
            logger.exception(
                "could not hand %s(%s) to the worker; the sweeper will", task.name, value
            )
    return handed


def hand_events(event_ids: Iterable[str]) -> None:
    _publish(dispatch_event, event_ids)


def hand_emails(notification_ids: Iterable[int]) -> None:
    _publish(send_email, notification_ids)


def hand_webhooks(delivery_ids: Iterable[int]) -> None:
    _publish(deliver_webhook, delivery_ids)


@shared_task(bind=True, name="core.dispatch_event", max_retries=DISPATCH_RETRIES)
def dispatch_event(self: Task[[str], None], event_id: str) -> None:
    try:
        result = dispatch.dispatch_event(event_id=event_id)
    except Exception as exc:
        logger.exception("dispatching event %s failed", event_id)
        if _eager(self):
            return  # the sweeper tries again
        raise self.retry(
            exc=exc, countdown=backoff_seconds(self.request.retries + 1, base=5, cap=300)
        ) from exc
    hand_emails(result.email_ids)
    hand_webhooks(result.webhook_ids)


@shared_task(bind=True, name="core.send_email", **DATABASE_RETRY)
def send_email(self: Task[[int], None], notification_id: int) -> None:
    outcome = email_attempt(notification_id=notification_id)
    _again(self, outcome.retry_in, max_retries=settings.EMAIL_MAX_ATTEMPTS)


@shared_task(bind=True, name="core.deliver_webhook", **DATABASE_RETRY)
def deliver_webhook(self: Task[[int], None], delivery_id: int) -> None:
    outcome = webhook_attempt(delivery_id=delivery_id)
    _again(self, outcome.retry_in, max_retries=len(RETRY_SCHEDULE))


def sweep() -> dict[str, int]:
    """Hands again what was missed (core.dispatch.missed); what the periodic task and
    `manage.py outbox_sweep` run."""
    found = dispatch.missed()
    return {
        "events": _publish(dispatch_event, found.event_ids),
        "emails": _publish(send_email, found.email_ids),
        "webhooks": _publish(deliver_webhook, found.webhook_ids),
    }


@shared_task(name="core.outbox_sweep", **DATABASE_RETRY)
def outbox_sweep() -> dict[str, int]:
    """Two at once (two beats) hand the same rows twice: harmless, each is claimed once."""
    return sweep()


@shared_task(name="core.purge_idempotency_keys", **DATABASE_RETRY)
def purge_idempotency_keys() -> int:
    """Deletes keys older than 24 h; twice at once deletes nothing more."""
    return idempotency_purge()


@shared_task(name="core.purge_outbox", **DATABASE_RETRY)
def purge_outbox() -> int:
    """Deletes old dispatched events and their records; twice at once deletes nothing more."""
    return dispatch.outbox_purge()
