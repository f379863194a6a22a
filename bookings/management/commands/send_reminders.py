"""Sends the reminder e-mail of each confirmed booking starting within the next 24 h, once per
booking: the service claims the booking (reminder_sent_at) before sending, so a re-run, or two
runs at once, remind nobody twice."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import ngettext

from bookings import services
from core.commands import JobCommand


class Command(JobCommand):
    help = "Remind customers of their confirmed bookings starting within 24 h (once each)."

    def run(self, now: datetime | None) -> int:
        return services.bookings_send_reminders(now=now)

    def done(self, count: int) -> str:
        return ngettext("Sent %(count)d reminder.", "Sent %(count)d reminders.", count) % {
            "count": count
        }
