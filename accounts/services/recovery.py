"""Getting back into an account: password reset by e-mail (docs/rules/accounts.md).

Other apps reach these through accounts.public (an operator's walk-in customer, created without a
usable password, claims the account by a reset)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import events, tokens
from accounts.domain.codes import AccountErrorCode
from accounts.domain.rules import normalize_email
from accounts.models import User
from accounts.services import _check_password, user_revoke_refresh_tokens
from core.clock import resolve_now
from core.errors import ValidationFailed

RESET_TOKEN_INVALID = AccountErrorCode.PASSWORD_RESET_TOKEN_INVALID


def password_reset_request(
    *, email: str, admin_origin: str = "", now: datetime | None = None
) -> None:
    """Someone asks for a reset link for `email`. Answered the same whether or not an account has
    it: nothing is looked up here (one INSERT, the event, either way); the worker e-mails the
    account if there is one (accounts.consumers). `admin_origin` ("https://host") when asked on
    the admin's login page: the link then opens the admin's own reset page, and only staff
    accounts get one."""
    with transaction.atomic():
        events.password_reset_requested(
            email=normalize_email(email), admin_origin=admin_origin, now=now
        )


def _token_invalid() -> ValidationFailed:
    return ValidationFailed(
        _("This reset link is invalid, has expired or was already used: ask for a new one."),
        code=RESET_TOKEN_INVALID,
        details={"token": [_("Invalid, expired or already used.")]},
    )


def password_set(*, user: User, new_password: str, now: datetime | None = None) -> None:
    """Sets a password chosen through a reset link (API or admin) and signs every session out:
    every refresh token is revoked and the access tokens stop working (they carry a hash of the
    old password). Django's validators apply. The link came to the account's address, so that
    address is verified now."""
    _check_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        fields = ["password"]
        if user.email_verified_at is None:
            user.email_verified_at = resolve_now(now)
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        user_revoke_refresh_tokens(user=user)


def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Sets the password of the account the token was made for. The token works once (the
    account's row is locked while it is checked, so two requests racing with it cannot both
    pass), expires after PASSWORD_RESET_TIMEOUT, and a tampered one is refused the same way."""
    parts = tokens.token_parts(token)
    if parts is None:
        raise _token_invalid()
    public_id, rest = parts
    with transaction.atomic():
        user = User.objects.select_for_update().filter(public_id=public_id).first()
        if user is None or not user.is_active:
            raise _token_invalid()
        if not tokens.password_reset_token_valid(user, rest):
            raise _token_invalid()
        password_set(user=user, new_password=new_password)
    return user
