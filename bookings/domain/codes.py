"""The codes of bookings' refusals (the top-level `error.code` of the envelope). A refused start
answers scheduling's reasons (scheduling.public.Reason: `taken`, `too_soon`, ...); a quote's
refusals are pricing's (pricing.public.PricingErrorCode)."""

from __future__ import annotations

from enum import StrEnum


class BookingErrorCode(StrEnum):
    BOOKING_NOT_FOUND = "booking_not_found"  # 404 (also another customer's)
    CUSTOMER_NOT_FOUND = "customer_not_found"  # 404: an operator's booking for nobody known
    ROLE_NOT_ALLOWED = "role_not_allowed"  # 403
    NOTICE_OVERRIDE_NOT_ALLOWED = "notice_override_not_allowed"  # 403
    OPERATOR_ONLY = "operator_only"  # 403
    INVALID_TRANSITION = "invalid_transition"  # 409: not in the booking's current state
    SLOT_UNAVAILABLE = "slot_unavailable"  # 409: a concurrent booking took the free start
    VEHICLE_ALREADY_BOOKED = "vehicle_already_booked"  # 409
    PENDING_LIMIT_REACHED = "pending_limit_reached"  # 409
    PRICE_CHANGED = "price_changed"  # 409: not the total the client was quoted
    TOO_EARLY = "too_early"  # 409
    TOO_LATE = "too_late"  # 409
    RESCHEDULE_TOO_LATE = "reschedule_too_late"  # 409
    NOT_DUE = "not_due"  # 409: not due to expire yet
    ALREADY_RATED = "already_rated"  # 409
    RATING_WINDOW_CLOSED = "rating_window_closed"  # 409
    NO_FEE_TO_WAIVE = "no_fee_to_waive"  # 409 (the back-office)
