"""The tokens we e-mail (docs/rules/accounts.md): no new crypto, Django's token generators.

A password-reset token is Django's own (`default_token_generator`, the one the admin's reset pages
check), prefixed with the account's public id: `<public id hex>.<Django's token>`. Django's token
is an HMAC over the account's password hash, last login, e-mail and the time it was made, so it
stops working once used (the password changed), after a later sign-in, after a change of e-mail,
and after PASSWORD_RESET_TIMEOUT seconds. Nothing is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib.auth.tokens import default_token_generator

if TYPE_CHECKING:
    from accounts.models import User

SEPARATOR = "."


def password_reset_token(user: User) -> str:
    return f"{user.public_id.hex}{SEPARATOR}{default_token_generator.make_token(user)}"


def token_parts(token: str) -> tuple[UUID, str] | None:
    """The account's public id and the rest of a token we made, or None when it is not one."""
    uid, separator, rest = token.partition(SEPARATOR)
    if not separator or not rest or len(uid) != 32:
        return None
    try:
        return UUID(hex=uid), rest
    except ValueError:
        return None


def password_reset_token_valid(user: User, rest: str) -> bool:
    return bool(default_token_generator.check_token(user, rest))
