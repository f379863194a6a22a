"""What other apps (and the composition root) may use of bookings: its error codes."""

from __future__ import annotations

from bookings.domain.codes import BookingErrorCode

__all__ = ["BookingErrorCode"]
