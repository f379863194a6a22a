"""Booking refusals with stable codes (rendered by the one API exception handler)."""

from __future__ import annotations

from bookings.domain.codes import BookingErrorCode
from core.errors import Conflict, Text, gettext_noop

# How the refusal names the action and the state, in the reader's language (the details keep
# the codes).
ACTION_WORDS: dict[str, str] = {
    "confirm": gettext_noop("confirmation"),
    "expire": gettext_noop("expiry"),
    "reschedule": gettext_noop("rescheduling"),
    "start": gettext_noop("start of work"),
    "complete": gettext_noop("completion"),
    "cancel": gettext_noop("cancellation"),
    "no_show": gettext_noop("no-show recording"),
    "edit": gettext_noop("editing"),
    "rate": gettext_noop("rating"),
}
# The booking's state labels (as on the model).
STATE_WORDS: dict[str, str] = {
    "pending": gettext_noop("pending"),
    "confirmed": gettext_noop("confirmed"),
    "in_progress": gettext_noop("in progress"),
    "completed": gettext_noop("completed"),
    "cancelled": gettext_noop("cancelled"),
    "expired": gettext_noop("expired"),
    "no_show": gettext_noop("no-show"),
}


class InvalidTransition(Conflict):
    code = BookingErrorCode.INVALID_TRANSITION
    default_message = gettext_noop("This action is not allowed in the booking's current state.")

    def __init__(self, action: str, state: str) -> None:
        super().__init__(
            gettext_noop("This action (%(action)s) is not allowed while the booking is %(state)s."),
            params={
                "action": Text(ACTION_WORDS.get(action, action)),
                "state": Text(STATE_WORDS.get(state, state)),
            },
            details={"state": state, "action": action},
        )


class SlotUnavailable(Conflict):
    code = BookingErrorCode.SLOT_UNAVAILABLE
    default_message = gettext_noop("This time slot is no longer available.")


class VehicleAlreadyBooked(Conflict):
    """A vehicle is in one place at a time: it has another active booking over that time."""

    code = BookingErrorCode.VEHICLE_ALREADY_BOOKED
    default_message = gettext_noop("This vehicle already has a booking at that time.")

    def __init__(self, reference: str | None = None) -> None:
        if reference is None:  # the database's constraint caught it: the row is not known
            super().__init__()
            return
        super().__init__(
            gettext_noop(
                "This vehicle already has a booking at that time (%(reference)s): a vehicle "
                "is in one place at a time."
            ),
            params={"reference": reference},
            details={"booking": reference},
        )


class PendingLimitReached(Conflict):
    code = BookingErrorCode.PENDING_LIMIT_REACHED
    default_message = gettext_noop("You have too many bookings waiting for confirmation.")
