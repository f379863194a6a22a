"""manage.py seed_demo [--seed N] [--customers N] [--bookings N] [--now ISO]

Demo data for a first run and for benchmarks: staff logins, the catalogue, two sites in
Europe/Paris with their resources, customers with vehicles and bookings in every state over the
past and next weeks, all made through the apps' use cases. Idempotent: a second run finds
everything by its natural key and makes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.demo.progress import Terminal
from config.demo.runner import SeedOptions, seed
from core.clock import resolve_now
from core.commands import parse_now
from core.errors import DomainError

MAX_CUSTOMERS = 100_000
MAX_BOOKINGS = 200_000


def _count(limit: int) -> Any:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(raw) from None
        if not 0 <= value <= limit:
            raise ValueError(raw)
        return value

    parse.__name__ = f"a whole number from 0 to {limit}"
    return parse


class Command(BaseCommand):
    help = (
        "Load the demo data set: administrator, operator and technician logins, the catalogue, "
        "two sites with resources, customers with vehicles and bookings in every state. "
        "Repeatable (--seed) and idempotent (a second run changes nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin-email", default="admin@example.com")
        parser.add_argument("--admin-password", default="admin")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed, the same data set."
        )
        parser.add_argument(
            "--customers",
            type=_count(MAX_CUSTOMERS),
            default=20,
            help="How many customers (default 20).",
        )
        parser.add_argument(
            "--bookings",
            type=_count(MAX_BOOKINGS),
            default=60,
            help="How many bookings to plan (default 60; 5000 for the benchmarks).",
        )
        parser.add_argument(
            "--now",
            default=None,
            help="Lay the data out around this moment instead of the current time (ISO 8601 "
            "with offset): the same seed and moment give exactly the same data set.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even for small runs (it shows by itself on long ones).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_options = SeedOptions(
            seed=options["seed"],
            customers=options["customers"],
            bookings=options["bookings"],
            now=resolve_now(parse_now(options["now"])),
            admin_email=options["admin_email"],
            admin_password=options["admin_password"],
        )
        terminal = Terminal(
            write=lambda text: self.stderr.write(text, ending=""),
            tty=self.stderr.isatty(),
            always=options["progress"],
        )
        try:
            report = seed(seed_options, terminal)
        except DomainError as error:
            raise CommandError(f"Demo data not loaded (nothing was saved): {error}") from error
        for line in report.lines(seed_options):
            self.stdout.write(line)
        if report.bookings.refused:
            raise CommandError(f"{len(report.bookings.refused)} transition(s) refused; see above.")
