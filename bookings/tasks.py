"""The booking jobs beat runs (config/celery.py), thin over the same services as the management
commands `expire_pending_bookings` and `send_reminders`. Both are safe to run twice at once (two
beat processes by mistake): expiry locks each booking and re-checks it is still pending and due;
a reminder is claimed on the booking row (reminder_sent_at) before it is sent. An unreachable
database is retried with backoff (core.tasks.DATABASE_RETRY)."""

from __future__ import annotations

from celery import shared_task

from bookings import services
from core.tasks import DATABASE_RETRY


@shared_task(name="bookings.expire_pending_bookings", **DATABASE_RETRY)
def expire_pending_bookings() -> int:
    return services.bookings_expire_due()


@shared_task(name="bookings.send_reminders", **DATABASE_RETRY)
def send_reminders() -> int:
    return services.bookings_send_reminders()
