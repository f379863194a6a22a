"""E-mail verification (docs/rules/accounts.md, "E-mail verification"): registration e-mails a
link; the token it carries marks the address verified; the owner may ask for another one; a
setting decides whether an unverified customer may book."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import events, tokens
from accounts.domain.codes import AccountErrorCode
from accounts.domain.rules import normalize_email
from accounts.models import User
from core.clock import resolve_now
from core.errors import Conflict, PermissionDenied, ValidationFailed, gettext_noop

VERIFICATION_TOKEN_INVALID = AccountErrorCode.EMAIL_VERIFICATION_TOKEN_INVALID
EMAIL_NOT_VERIFIED = AccountErrorCode.EMAIL_NOT_VERIFIED
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
    before a change of e-mail verifies nothing). Verifying again changes nothing. A token for a
    new address (email_change_request) changes the account's address to it, verified, while the
    account still has the address it had when the change was asked; the old address is told."""
    claim = tokens.email_verification_claim(token, max_age=int(settings.EMAIL_VERIFICATION_TIMEOUT))
    if claim is None:
        raise _token_invalid()
    moment = resolve_now(now)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(public_id=claim.public_id).first()
        if user is None or not user.is_active:
            raise _token_invalid()
        if claim.email != claim.current and user.email == claim.current:
            return _email_change(user, new_email=claim.email, moment=moment)
        if user.email != claim.email:
            raise _token_invalid()
        if user.email_verified_at is None:
            user.email_verified_at = moment
            user.save(update_fields=["email_verified_at"])
    return user


def _email_change(user: User, *, new_email: str, moment: datetime) -> User:
    if User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
        raise Conflict(
            gettext_noop("Another account has this e-mail address now."),
            code=AccountErrorCode.EMAIL_TAKEN,
        )
    old_email = user.email
    user.email = new_email
    user.email_verified_at = moment
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError as exc:  # taken meanwhile
        raise Conflict(
            gettext_noop("Another account has this e-mail address now."),
            code=AccountErrorCode.EMAIL_TAKEN,
        ) from exc
    events.email_changed(user=user, old_email=old_email, now=moment)
    return user


def email_change_request(
    *, user: User, password: str, new_email: str, now: datetime | None = None
) -> None:
    """Asks to change the account's address: the new one is sent a link (the change happens when
    it is opened, email_verify). Needs the password. Answered the same whether or not another
    account has the new address (the worker then sends nothing)."""
    if not user.check_password(password):
        raise ValidationFailed(details={"password": [_("The current password is wrong.")]})
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise ValidationFailed(details={"new_email": [_("This is your e-mail address already.")]})
    with transaction.atomic():
        events.email_change_requested(user=user, new_email=new_email, now=now)


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
