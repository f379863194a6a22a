"""Sends the reminder e-mail of each confirmed booking starting within the next 24 h, once per
booking: the service claims the booking (reminder_sent_at) before sending, so a re-run, or two
runs at once, remind nobody twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import services
from core.commands import parse_now, refusal
from core.errors import DomainError


class Command(BaseCommand):
    help = "Remind customers of their confirmed bookings starting within 24 h (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help=_("Pretend it is this time (ISO 8601 with offset); default: now.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"])
        try:
            sent = services.bookings_send_reminders(now=now)
        except DomainError as error:
            raise refusal(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("Sent %(count)d reminder.", "Sent %(count)d reminders.", sent)
                % {"count": sent}
            )
        )
