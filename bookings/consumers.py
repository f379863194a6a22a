"""The booking e-mails as consumers of the booking's events (run by the worker, core.dispatch):
each event that tells the customer something becomes one e-mail, rendered from the committed
booking with the event's own facts (when, what state, which fee: the booking may have changed
again since) and recorded once per event and recipient (core.emails)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from bookings import events, selectors
from bookings.notifications import build_email
from core.dispatch import Consumer, Event, Writer
from core.emails import OutgoingEmail, queue_writer

# The e-mail (bookings.notifications.KINDS) each event sends.
EMAIL_OF_EVENT = {
    "booking.created": "created",
    "booking.confirmed": "confirmed",
    "booking.rescheduled": "rescheduled",
    "booking.cancelled": "cancelled",
    "booking.completed": "completed",
    "booking.expired": "expired",
    events.REMINDER_DUE: "reminder",
}


def _when(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _facts(event: Event) -> dict[str, Any]:
    """What the e-mail says as of the event, not as of its sending."""
    booking = event.payload["booking"]
    facts: dict[str, Any] = {
        "start": _when(booking["start"]),
        "end": _when(booking["end"]),
        "state": booking["state"],
        "sequence": booking["calendar_sequence"],
        "fee": None if booking["fee"] is None else Decimal(booking["fee"]),
    }
    if event.type == "booking.rescheduled":
        facts["previous_start"] = _when(event.payload["previous_start"])
    if event.type == "booking.cancelled":
        facts["reason"] = event.payload["reason"]
    return facts


def prepare_email(event: Event) -> Writer | None:
    kind = EMAIL_OF_EVENT[event.type]
    if event.type == "booking.created" and event.payload["booking"]["state"] != "pending":
        return None  # confirmed at once: its booking.confirmed sends the confirmation
    pk = selectors.booking_pk_of(event.aggregate_id)
    if pk is None:
        return None
    notice = selectors.booking_notice(booking_pk=pk, kind=kind)
    if notice is None:
        return None  # nobody to write to (the customer closed their account)
    notice = dataclasses.replace(notice, **_facts(event))
    message = build_email(notice)
    return queue_writer(
        event_id=event.id,
        emails=[
            OutgoingEmail.of_message(message, kind=f"booking_{kind}", language=notice.language)
        ],
    )


EMAILS = Consumer(
    name="bookings.emails", prepare=prepare_email, event_types=frozenset(EMAIL_OF_EVENT)
)
