"""manage.py unlock_staff_login [--email EMAIL] [--ip ADDRESS]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services


class Command(BaseCommand):
    help = (
        "Lifts the sign-in lockout of a staff account (after too many failed sign-ins) and/or "
        "of a client address, and starts their failure counts again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="The account's e-mail address.")
        parser.add_argument("--ip", help="The client address, as the security log shows it.")

    def handle(self, *args: Any, **options: Any) -> None:
        email, address = options["email"], options["ip"]
        if not email and not address:
            raise CommandError("Give --email, --ip or both.")
        services.staff_login_unlock(email=email, ip=address)
        unlocked = " and ".join(part for part in (email, address) if part)
        self.stdout.write(f"Sign-in unlocked for {unlocked}.")
