"""The domain events of an account (docs/rules/events.md, "Account events"): internal, never
offered to webhooks; their consumers (accounts.consumers) send the account e-mails through the
worker. Schema version 1; a field is only ever added."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from core.outbox import emit

SCHEMA_VERSION = 1

PASSWORD_RESET_REQUESTED = "account.password_reset_requested"

TYPES = frozenset({PASSWORD_RESET_REQUESTED})


def _emit(
    event_type: str, payload: dict[str, Any], *, aggregate_id: str, now: datetime | None
) -> None:
    emit(
        event_type,
        payload,
        aggregate_type="account",
        aggregate_id=aggregate_id,
        now=now,
        schema_version=SCHEMA_VERSION,
    )


def email_digest(email: str) -> str:
    """Stands for an address whose account (if any) is not looked up where the event is written."""
    return hashlib.sha256(email.encode()).hexdigest()[:64]


def password_reset_requested(*, email: str, admin_origin: str, now: datetime | None) -> None:
    """Someone asked for a reset link for `email` (normalised). Whether an account has it is left
    to the consumer: the request does the same work either way. `admin_origin` (scheme and host)
    when asked from the admin's login page: the link then opens the admin's reset page."""
    _emit(
        PASSWORD_RESET_REQUESTED,
        {"email": email, "admin_origin": admin_origin},
        aggregate_id=email_digest(email),
        now=now,
    )
