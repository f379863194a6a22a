"""Booking refusals with stable codes (rendered by the one API exception handler)."""

from __future__ import annotations

from core.errors import Conflict


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = "This action is not allowed in the booking's current state."

    def __init__(self, action: str, state: str) -> None:
        super().__init__(
            f"Cannot {action.replace('_', ' ')} a booking that is {state.replace('_', ' ')}.",
            details={"state": state, "action": action},
        )


class SlotUnavailable(Conflict):
    code = "slot_unavailable"
    default_message = "This time slot is no longer available."
