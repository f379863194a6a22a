"""The transactional outbox (ARCHITECTURE.md house rule 5, docs/rules/events.md).

A use case calls `emit(...)` inside its own transaction: the event row is written with the change
it reports, so both commit or neither does. Once the transaction commits, the relay hands the new
event ids to the worker (core.tasks); if the process dies in between, or the broker is down, the
row stays undispatched and the sweeper (every 30 s under beat) hands it again. Nothing is sent
inside the transaction. Without a broker (a first run, the tests) the worker's tasks run in this
process right after the commit (Celery's eager mode, config/settings/base.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from django.db import transaction

from core.clock import resolve_now
from core.models import OutboxEvent
from core.ports import Port

logger = logging.getLogger(__name__)

_suppressed: ContextVar[bool] = ContextVar("outbox_suppressed", default=False)


# Hands committed event ids to the worker: core.tasks.hand_events, plugged in by core.apps (the
# tasks module sits above this one: it dispatches what is written here). Not provided, a commit's
# hand-off raises PortNotProvided (logged: the sweeper would still find the event), and the
# system check core.E002 fails start-up.
relay: Port[[Sequence[str]], None] = Port(
    "outbox.relay", answers="hands committed event ids to the worker (core.tasks.hand_events)"
)


@contextmanager
def events_suppressed() -> Iterator[None]:
    """No event is written inside: demo data must never write to its fictional customers or to
    anyone's webhooks (and thousands of events would dominate its run)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@dataclass(frozen=True)
class Event:
    """One domain event to write (`emit_all`)."""

    type: str
    payload: dict[str, Any]
    aggregate_type: str
    aggregate_id: str
    schema_version: int = 1


def emit(
    event_type: str,
    payload: dict[str, Any],
    *,
    aggregate_type: str,
    aggregate_id: str,
    now: datetime | None = None,
    schema_version: int = 1,
) -> UUID | None:
    """Writes one domain event in the current transaction and hands it to the worker once that
    commits. Must be called inside the transaction of the change (a RuntimeError otherwise: an
    event written on its own could report a change that then rolls back, or miss one)."""
    event = Event(
        type=event_type,
        payload=payload,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        schema_version=schema_version,
    )
    ids = emit_all([event], now=now)
    return ids[0] if ids else None


def emit_all(events: Sequence[Event], *, now: datetime | None = None) -> list[UUID]:
    """`emit` for several events of one change (a booking created and confirmed at once): one
    INSERT, in order, handed to the worker together once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "emit() and emit_all() must run inside the transaction of the change they report"
        )
    if _suppressed.get() or not events:
        return []
    occurred_at = resolve_now(now)
    rows = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(
                type=event.type,
                schema_version=event.schema_version,
                occurred_at=occurred_at,
                aggregate_type=event.aggregate_type,
                aggregate_id=event.aggregate_id,
                payload=event.payload,
            )
            for event in events
        ]
    )
    ids = [row.id for row in rows]
    # robust: whatever the hand-off does (a broker down), the change is committed and the
    # request's answer is due; the sweeper makes up for a lost hand-off.
    transaction.on_commit(partial(_hand, [str(row_id) for row_id in ids]), robust=True)
    return ids


def _hand(event_ids: list[str]) -> None:
    relay(event_ids)
