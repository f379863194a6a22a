"""Booking use cases (ARCHITECTURE.md house rule 1): each takes the actor and `now`, owns its
transaction, locks what is contended, re-checks after the lock. Every transition runs through
bookings.services.transitions.run_transition (lock, role, the django-fsm transition with the
domain's rules as its condition, save, history, outbox event; ADR 0010). On PostgreSQL the
exclusion constraint has the last word: an overlap that slipped through still answers 409."""

from bookings.services.changes import booking_rate, booking_reschedule, booking_update_notes
from bookings.services.closures import closure_create_over_bookings, hours_change_over_bookings
from bookings.services.create import BookingRequest, booking_create
from bookings.services.fees import booking_fee_waive
from bookings.services.jobs import bookings_expire_due, bookings_send_reminders
from bookings.services.transitions import (
    booking_cancel,
    booking_complete,
    booking_confirm,
    booking_expire,
    booking_no_show,
    booking_start,
)

__all__ = [
    "BookingRequest",
    "booking_cancel",
    "booking_complete",
    "booking_confirm",
    "booking_create",
    "booking_expire",
    "booking_fee_waive",
    "booking_no_show",
    "booking_rate",
    "booking_reschedule",
    "booking_start",
    "booking_update_notes",
    "bookings_expire_due",
    "bookings_send_reminders",
    "closure_create_over_bookings",
    "hours_change_over_bookings",
]
