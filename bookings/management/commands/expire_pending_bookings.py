"""Expires the pending bookings whose confirmation window has passed or whose start has come
(SPEC §6). Safe to run as often as wanted: an expired booking is not pending any more."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import ngettext

from bookings import services
from core.commands import JobCommand


class Command(JobCommand):
    help = "Expire pending bookings that were not confirmed in time (idempotent)."

    def run(self, now: datetime | None) -> int:
        return services.bookings_expire_due(now=now)

    def done(self, count: int) -> str:
        return ngettext(
            "Expired %(count)d pending booking.", "Expired %(count)d pending bookings.", count
        ) % {"count": count}
