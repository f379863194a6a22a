"""E-mail verification (docs/rules/accounts.md, "E-mail verification"): registration e-mails a
link; the token it carries marks the address verified; the owner may ask for another one; a
setting decides whether an unverified customer may book."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import events, tokens
from accounts.models import User
from core.clock import resolve_now
from core.errors import PermissionDenied, ValidationFailed, gettext_noop

VERIFICATION_TOKEN_INVALID = "email_verification_token_invalid"
EMAIL_NOT_VERIFIED = "email_not_verified"
RESEND_PATH = "/api/v1/auth/verify-email/resend"


def _token_invalid() -> ValidationFailed:
    return ValidationFailed(
        gettext_noop(
            "This verification link is invalid or has expired: sign in and ask for a new one "
            "(POST %(path)s)."
        ),
        params={"path": RESEND_PATH},
        code=VERIFICATION_TOKEN_INVALID,
        details={"token": [_("Invalid or expired.")]},
    )


def email_verify(*, token: str, now: datetime | None = None) -> User:
    """Marks the address the token names as verified, if it is still the account's (a link sent
    before a change of e-mail verifies nothing). Verifying again changes nothing."""
    claim = tokens.email_verification_claim(token, max_age=int(settings.EMAIL_VERIFICATION_TIMEOUT))
    if claim is None:
        raise _token_invalid()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(public_id=claim.public_id).first()
        if user is None or not user.is_active or user.email != claim.email:
            raise _token_invalid()
        if user.email_verified_at is None:
            user.email_verified_at = resolve_now(now)
            user.save(update_fields=["email_verified_at"])
    return user


def email_verification_resend(*, user: User, now: datetime | None = None) -> bool:
    """Another verification link for the account's address; False (nothing sent) when it is
    verified already."""
    if user.email_verified_at is not None:
        return False
    with transaction.atomic():
        events.email_verification_requested(user=user, now=now)
    return True


def check_may_book(user: User) -> None:
    """Refuses a customer's booking while their address is unverified, when
    BOOKING_REQUIRES_VERIFIED_EMAIL says so (default: they may book)."""
    if not settings.BOOKING_REQUIRES_VERIFIED_EMAIL or user.email_verified_at is not None:
        return
    raise PermissionDenied(
        gettext_noop(
            "Verify your e-mail address before booking: open the link we e-mailed you, or ask "
            "for a new one with POST %(path)s."
        ),
        code=EMAIL_NOT_VERIFIED,
        params={"path": RESEND_PATH},
    )
