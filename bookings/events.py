"""The domain events of a booking (SPEC §6, docs/rules/events.md): one function per event type,
called by the booking use cases inside their transaction, after the change and its history row.
Each writes its event to the outbox (core.outbox.emit); e-mails (bookings.consumers) and webhooks
consume them through the worker.

The payload is the booking as the change left it (`booking`), who acted (`actor_role`) and what
the event itself says. Only the booking row's own fields: writing the event costs one INSERT,
no read. Schema version 1; a field is only ever added to it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from bookings.domain.states import Role
from bookings.models import Booking
from core.metrics import Counter
from core.outbox import Event, emit_all

SCHEMA_VERSION = 1

# The event types integrations may subscribe to, with what each means.
PUBLIC_TYPES: dict[str, str] = {
    "booking.created": "a booking was made (pending, or confirmed at once by an auto-confirm site)",
    "booking.confirmed": "a pending booking was confirmed",
    "booking.rescheduled": "a booking moved to another start (and maybe back to pending)",
    "booking.cancelled": "a booking was cancelled (with the fee, if any)",
    "booking.started": "the work on a booking began",
    "booking.completed": "the work on a booking is done",
    "booking.no_show": "the customer did not come (with the fee)",
    "booking.expired": "a pending booking was not confirmed in time",
    "booking.rated": "the customer rated a completed booking",
    "booking.notes_changed": "the customer's or the operator's note changed",
    "booking.fee_changed": "an operator waived or reduced a cancellation or no-show fee",
}
# Internal: the reminder e-mail is due (not for integrations).
REMINDER_DUE = "booking.reminder_due"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def booking_facts(booking: Booking) -> dict[str, Any]:
    return {
        "id": str(booking.public_id),
        "reference": booking.reference,
        "state": booking.state,
        "start": _time(booking.start),
        "end": _time(booking.end),
        "service_name": booking.service_name,
        "vehicle_plate": booking.vehicle_plate,
        "vehicle_category": booking.vehicle_category,
        "total": _money(booking.total),
        "currency": booking.currency,
        "fee": _money(booking.fee),
        "calendar_sequence": booking.calendar_sequence,
    }


# The business series of /metrics (core.metrics), counted when the change commits.
BOOKINGS_CREATED = Counter("bookings_created_total", "Bookings created (any channel).")
LOST_RACES = Counter(
    "booking_lost_races_total",
    "Bookings refused with 409 because another took the slot or its lock first, by code.",
    ["code"],
)
CANCELLATIONS = Counter(
    "booking_cancellations_total",
    "Bookings cancelled, by whether a fee was due (true/false).",
    ["with_fee"],
)
CANCELLATION_FEES = Counter(
    "booking_cancellation_fees_total",
    "Cancellation and no-show fees due, in the currency's units, by currency.",
    ["currency"],
)
EXPIRIES = Counter("booking_expiries_total", "Pending bookings expired unconfirmed.")


def _count(event_type: str, fee: Decimal | None, currency: str) -> None:
    fee = fee or Decimal(0)
    if event_type == "booking.created":
        BOOKINGS_CREATED.inc()
    elif event_type == "booking.cancelled":
        CANCELLATIONS.labels("true" if fee > 0 else "false").inc()
    elif event_type == "booking.expired":
        EXPIRIES.inc()
    if event_type in {"booking.cancelled", "booking.no_show"} and fee > 0:
        CANCELLATION_FEES.labels(currency).inc(float(fee))


def _event(event_type: str, booking: Booking, *, role: Role, **data: Any) -> Event:
    transaction.on_commit(partial(_count, event_type, booking.fee, booking.currency), robust=True)
    return Event(
        type=event_type,
        payload={"booking": booking_facts(booking), "actor_role": role.value, **data},
        aggregate_type="booking",
        aggregate_id=str(booking.public_id),
        schema_version=SCHEMA_VERSION,
    )


def _emit(event_type: str, booking: Booking, *, role: Role, now: datetime, **data: Any) -> None:
    emit_all([_event(event_type, booking, role=role, **data)], now=now)


def booking_created(
    booking: Booking, *, role: Role, now: datetime, confirmed_by: Role | None = None
) -> None:
    """booking.created; with `confirmed_by` (confirmed in the same step: by the site's rule,
    the system, or an operator), booking.confirmed after it, both in one write."""
    events = [_event("booking.created", booking, role=role)]
    if confirmed_by is not None:
        auto = confirmed_by is Role.SYSTEM
        events.append(_event("booking.confirmed", booking, role=confirmed_by, auto=auto))
    emit_all(events, now=now)


def booking_confirmed(booking: Booking, *, role: Role, now: datetime, auto: bool = False) -> None:
    _emit("booking.confirmed", booking, role=role, now=now, auto=auto)


def booking_rescheduled(
    booking: Booking,
    *,
    role: Role,
    now: datetime,
    from_state: str,
    previous_start: datetime,
    previous_end: datetime,
) -> None:
    _emit(
        "booking.rescheduled",
        booking,
        role=role,
        now=now,
        from_state=from_state,
        previous_start=_time(previous_start),
        previous_end=_time(previous_end),
    )


def booking_cancelled(
    booking: Booking, *, role: Role, now: datetime, from_state: str, fee_percent: Decimal
) -> None:
    _emit(
        "booking.cancelled",
        booking,
        role=role,
        now=now,
        from_state=from_state,
        reason=booking.cancellation_reason,
        fee_percent=str(fee_percent),
    )


def booking_started(booking: Booking, *, role: Role, now: datetime) -> None:
    _emit("booking.started", booking, role=role, now=now)


def booking_completed(booking: Booking, *, role: Role, now: datetime) -> None:
    _emit("booking.completed", booking, role=role, now=now)


def booking_no_show(booking: Booking, *, role: Role, now: datetime) -> None:
    _emit("booking.no_show", booking, role=role, now=now)


def booking_expired(booking: Booking, *, now: datetime) -> None:
    _emit("booking.expired", booking, role=Role.SYSTEM, now=now)


def booking_rated(booking: Booking, *, role: Role, now: datetime) -> None:
    _emit(
        "booking.rated",
        booking,
        role=role,
        now=now,
        stars=booking.rating,
        comment=booking.rating_comment,
    )


def booking_notes_changed(
    booking: Booking, *, role: Role, now: datetime, fields: list[str]
) -> None:
    """Which notes changed, not what they say (the operator's note is staff-only)."""
    _emit("booking.notes_changed", booking, role=role, now=now, changed=sorted(fields))


def booking_fee_changed(
    booking: Booking, *, role: Role, now: datetime, fee_before: Decimal | None
) -> None:
    _emit("booking.fee_changed", booking, role=role, now=now, fee_before=_money(fee_before))


def booking_reminder_due(booking: Booking, *, now: datetime) -> None:
    _emit(REMINDER_DUE, booking, role=Role.SYSTEM, now=now)
