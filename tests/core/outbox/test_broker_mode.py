"""With a broker (production, or any run with REDIS_URL), the relay puts a message on the
broker after the commit and runs nothing in the request; the worker's task then dispatches.
A broker that is down costs the request little and loses nothing: the sweeper hands the event
once the broker is back. Here the broker is kombu's in-memory transport, or a closed port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from config.celery import app
from core import tasks
from core.clock import utcnow
from core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _set(**values: Any) -> None:
    """Celery reads the app's settings under Django's names (namespace CELERY): a change is
    made under those names, or the lower-case one would be shadowed by the Django setting."""
    for key, value in values.items():
        app.conf[f"CELERY_{key.upper()}"] = value


def _reset_pools() -> None:
    # Celery's own caches of the broker connections, private: celery-types leaves them out.
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def broker(request: pytest.FixtureRequest) -> Iterator[str]:
    url = getattr(request, "param", "memory://")
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    _set(task_always_eager=False, broker_url=url)
    _reset_pools()
    try:
        yield url
    finally:
        _set(task_always_eager=saved[0], broker_url=saved[1])
        _reset_pools()


def _queued_messages() -> list[Any]:
    found = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(app.conf.task_default_queue)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            found.append(message)
            message.ack()
        queue.close()
    return found


def test_the_relay_puts_the_event_on_the_broker_and_sends_nothing_itself(
    broker: str, happen: Any
) -> None:
    event_id = happen("thing-1")
    assert mail.outbox == []  # nothing ran in this process
    assert OutboxEvent.objects.get().dispatched_at is None
    (message,) = _queued_messages()
    assert message.headers["task"] == "core.dispatch_event"
    args, _kwargs, _embed = message.decode()
    assert args == [str(event_id)]


def test_the_tasks_carry_the_reliability_options() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit
    assert app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:1/0"], indirect=True)
def test_a_broker_that_is_down_costs_little_and_the_sweeper_makes_up(
    broker: str, happen: Any, clock: Any
) -> None:
    now = utcnow()
    clock.set(now)
    started = time.monotonic()
    happen("thing-1")  # committed; the hand-off fails and is logged
    assert time.monotonic() - started < 5
    event = OutboxEvent.objects.get()
    assert event.dispatched_at is None

    # The broker is back (eager again here: the task runs at once when handed).
    _set(task_always_eager=True)
    clock.set(now + timedelta(seconds=31))
    assert tasks.sweep()["events"] == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert len(mail.outbox) == 1
