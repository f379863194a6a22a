"""What the management commands share: reading `--now` and turning a refusal into CommandError."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
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
