"""Demo data for a first run and for benchmarks. Idempotent: running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts import public as accounts


class Command(BaseCommand):
    help = "Load a small demo data set (administrator account; catalogue and sites as they land)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin-email", default="admin@example.com")
        parser.add_argument("--admin-password", default="admin")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(self, *args: Any, **options: Any) -> None:
        created = accounts.ensure_superuser(
            email=options["admin_email"], password=options["admin_password"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {options['admin_email']} {'created' if created else 'ready'}."
            )
        )
