"""Booking refusals with stable codes (rendered by the one API exception handler)."""

from __future__ import annotations

from core.errors import Conflict, gettext_noop


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = "This action is not allowed in the booking's current state."

    def __init__(self, action: str, state: str) -> None:
        super().__init__(
            gettext_noop("This action (%(action)s) is not allowed while the booking is %(state)s."),
            params={"action": action, "state": state},
            details={"state": state, "action": action},
        )


class SlotUnavailable(Conflict):
    code = "slot_unavailable"
    default_message = "This time slot is no longer available."
