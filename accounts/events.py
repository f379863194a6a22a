"""The domain events of an account (docs/rules/events.md, "Account events"): internal, never
offered to webhooks; their consumers (accounts.consumers) send the account e-mails through the
worker. Schema version 1; a field is only ever added."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.outbox import emit

if TYPE_CHECKING:
    from accounts.models import User

SCHEMA_VERSION = 1

PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
REGISTERED = "account.registered"
REGISTRATION_ATTEMPTED = "account.registration_attempted"
EMAIL_VERIFICATION_REQUESTED = "account.email_verification_requested"
EMAIL_CHANGE_REQUESTED = "account.email_change_requested"
EMAIL_CHANGED = "account.email_changed"


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


def _account(user: User) -> dict[str, Any]:
    return {"user": str(user.public_id), "email": user.email}


def registered(*, user: User, now: datetime | None) -> None:
    """A new account: its owner is sent a verification link."""
    _emit(REGISTERED, _account(user), aggregate_id=str(user.public_id), now=now)


def registration_attempted(*, owner: User, now: datetime | None) -> None:
    """Someone signed up with an address that has an account: its owner is told (the one who
    signed up was answered as if it were new)."""
    _emit(REGISTRATION_ATTEMPTED, _account(owner), aggregate_id=str(owner.public_id), now=now)


def email_verification_requested(*, user: User, now: datetime | None) -> None:
    """The owner asked for another verification link."""
    _emit(EMAIL_VERIFICATION_REQUESTED, _account(user), aggregate_id=str(user.public_id), now=now)


def email_change_requested(*, user: User, new_email: str, now: datetime | None) -> None:
    """The owner asked to change the address to `new_email`: it is sent a link."""
    _emit(
        EMAIL_CHANGE_REQUESTED,
        {**_account(user), "new_email": new_email},
        aggregate_id=str(user.public_id),
        now=now,
    )


def email_changed(*, user: User, old_email: str, now: datetime | None) -> None:
    """The address changed (the link was opened): the old address is told."""
    _emit(
        EMAIL_CHANGED,
        {**_account(user), "old_email": old_email},
        aggregate_id=str(user.public_id),
        now=now,
    )
