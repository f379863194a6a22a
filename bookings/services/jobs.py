"""Scheduled jobs: expiry of pending bookings and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from bookings import events, selectors
from bookings.domain.errors import InvalidTransition
from bookings.models import Booking
from bookings.services.transitions import booking_expire
from core.clock import resolve_now
from core.errors import Conflict


def bookings_expire_due(*, now: datetime | None = None) -> int:
    """Expires every pending booking that is due; each in its own short transaction."""
    moment = resolve_now(now)
    expired = 0
    for pk in selectors.pending_due_for_expiry(now=moment).values_list("pk", flat=True):
        try:
            booking_expire(booking_id=pk, now=moment)
            expired += 1
        except (Conflict, InvalidTransition):
            continue  # not due yet at its site, or confirmed/cancelled meanwhile
    return expired


def bookings_send_reminders(*, now: datetime | None = None) -> int:
    """Reminds each confirmed booking starting within the next 24 h, once."""
    moment = resolve_now(now)
    sent = 0
    ahead = timedelta(hours=settings.BOOKING_REMINDER_HOURS)
    for pk in selectors.due_for_reminder(now=moment, ahead=ahead).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=pk, state="confirmed", reminder_sent_at__isnull=True
            ).update(reminder_sent_at=moment)
            if claimed:
                booking = Booking.objects.get(pk=pk)
                events.booking_reminder_due(booking, now=moment)
                sent += claimed
    return sent
