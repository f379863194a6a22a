"""The tokens we e-mail (docs/rules/accounts.md): no new crypto, Django's token generators.

A password-reset token is Django's own (`default_token_generator`, the one the admin's reset pages
check), prefixed with the account's public id: `<public id hex>.<Django's token>`. Django's token
is an HMAC over the account's password hash, last login, e-mail and the time it was made, so it
stops working once used (the password changed), after a later sign-in, after a change of e-mail,
and after PASSWORD_RESET_TIMEOUT seconds. Nothing is stored.

An e-mail verification token is signed by django.core.signing: the account and the address, for
EMAIL_VERIFICATION_TIMEOUT seconds. Nothing is stored either."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib.auth.tokens import default_token_generator
from django.core import signing

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


# E-mail verification: a signed, timestamped value (django.core.signing, the machinery behind
# Django's sessions and password-reset links), naming the account and the address it verifies.
_VERIFY_SALT = "accounts.tokens.email-verification"


@dataclass(frozen=True)
class VerificationClaim:
    public_id: UUID
    email: str
    # The account's address when the token was made: another one than `email` for a change of
    # address, which only applies while the account still has it.
    current: str


def email_verification_token(user: User, *, email: str | None = None) -> str:
    """Proves that whoever holds it reads the mailbox of `email` (default: the account's)."""
    return signing.dumps(
        {"u": user.public_id.hex, "e": email or user.email, "o": user.email},
        salt=_VERIFY_SALT,
        compress=True,
    )


def email_verification_claim(token: str, *, max_age: int) -> VerificationClaim | None:
    """What a valid, unexpired verification token says; None for anything else."""
    try:
        claims = signing.loads(token, salt=_VERIFY_SALT, max_age=max_age)
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(claims, dict):
        return None
    uid, email, current = claims.get("u"), claims.get("e"), claims.get("o", claims.get("e"))
    if not isinstance(uid, str) or not isinstance(email, str) or not isinstance(current, str):
        return None
    try:
        return VerificationClaim(public_id=UUID(hex=uid), email=email, current=current)
    except ValueError:
        return None
