"""What the management commands share: reading `--now`, turning a refusal into CommandError,
and the shape of a command that runs one scheduled job (JobCommand)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError


def parse_now(raw: str | None) -> datetime | None:
    """`--now` as an aware datetime (ISO 8601 with an offset or Z); None for the real clock."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(
            _("--now must be an ISO 8601 time with its offset, e.g. 2026-03-02T08:00:00+01:00.")
        ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CommandError(_("--now needs its UTC offset (e.g. +01:00 or Z)."))
    return moment


def refusal(error: DomainError) -> CommandError:
    parts = [
        f"{field}: {' '.join(str(m) for m in msgs)}"
        for field, msgs in error.details.items()
        if isinstance(msgs, list | tuple)
    ]
    return CommandError(" ".join([error.translated(_), *parts]).strip())


class JobCommand(BaseCommand):
    """Runs one scheduled job at `--now` (default: the real clock) and says how many things it
    handled; a refusal is a CommandError. Subclasses give `run` and `done`."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help=_("Pretend it is this time (ISO 8601 with offset); default: now.")
        )

    def run(self, now: datetime | None) -> int:
        raise NotImplementedError

    def done(self, count: int) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"])
        try:
            count = self.run(now)
        except DomainError as error:
            raise refusal(error) from error
        self.stdout.write(self.style.SUCCESS(self.done(count)))
