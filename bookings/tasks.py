"""The booking jobs beat runs (config/celery.py), thin over the same services as the management
commands `expire_pending_bookings` and `send_reminders`. Both are safe to run twice at once (two
beat processes by mistake): expiry locks each booking and re-checks it is still pending and due;
a reminder is claimed on the booking row (reminder_sent_at) before it is sent."""

from __future__ import annotations

from celery import shared_task

from bookings import services


@shared_task(name="bookings.expire_pending_bookings")
def expire_pending_bookings() -> int:
    return services.bookings_expire_due()


@shared_task(name="bookings.send_reminders")
def send_reminders() -> int:
    return services.bookings_send_reminders()
