"""Expires the pending bookings whose confirmation window has passed or whose start has come
(SPEC §6). Safe to run as often as wanted: an expired booking is not pending any more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import services
from core.commands import parse_now, refusal
from core.errors import DomainError


class Command(BaseCommand):
    help = "Expire pending bookings that were not confirmed in time (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help=_("Pretend it is this time (ISO 8601 with offset); default: now.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"])
        try:
            expired = services.bookings_expire_due(now=now)
        except DomainError as error:
            raise refusal(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Expired %(count)d pending booking.",
                    "Expired %(count)d pending bookings.",
                    expired,
                )
                % {"count": expired}
            )
        )
