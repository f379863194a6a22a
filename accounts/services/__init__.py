"""Account use cases: registration, profile, password, deletion, and the JWT token life cycle."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import events as account_events
from accounts.domain.codes import AccountErrorCode
from accounts.domain.lockout import Lockout, seconds_left
from accounts.domain.rules import CUSTOMER, OPERATOR, ROLES, anonymised_email, normalize_email
from accounts.models import LoginSession, User
from accounts.services import sessions, two_factor
from accounts.services.sessions import NOBODY, Client, TokenPair
from accounts.signals import account_erased
from core.cache import counting_cache
from core.clock import resolve_now
from core.errors import ErrorCode, PermissionDenied, Unauthenticated, ValidationFailed
from core.models import EmailNotification

PROFILE_FIELDS = ("first_name", "last_name", "phone", "language")


def _full_clean(user: User, *, exclude: list[str] | None = None) -> None:
    try:
        user.full_clean(exclude=exclude, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from exc


def user_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    language: str = "en",
    now: datetime | None = None,
) -> User | None:
    """A customer signs up; the worker e-mails them a verification link. An address that already
    has an account is answered the same way (docs/rules/accounts.md, "No enumeration"): nothing is
    created and the owner is e-mailed instead. Both ways do the same work: the input is checked
    and the password hashed (the slow part, on purpose) before the address is looked up, and one
    event is written. Returns the new account, or None when the address was taken."""
    user = User(
        email=normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        language=language,
    )
    try:  # the unique e-mail is not a validation error here: it must not show
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc
    _check_password(password, user)
    user.set_password(password)
    owner = User.objects.filter(email=user.email).first()
    if owner is None:
        try:
            with transaction.atomic():
                user.save()
                user.groups.add(Group.objects.get(name=CUSTOMER))
                account_events.registered(user=user, now=now)
            return user
        except IntegrityError:  # lost a race with the same e-mail: it is taken now
            owner = User.objects.filter(email=user.email).first()
            if owner is None:
                raise
    with transaction.atomic():
        account_events.registration_attempted(owner=owner, now=now)
    return None


def user_update_profile(*, user: User, actor: User, **changes: Any) -> User:
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied()
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            details={name: [_("This field cannot be changed.")] for name in unknown}
        )
    for name, value in changes.items():
        setattr(user, name, value)
    _full_clean(user)
    user.save(update_fields=[*changes.keys()] if changes else None)
    return user


def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Changes the password and signs every session out: all refresh tokens are revoked, and the
    access tokens stop working because they carry a hash of the old password."""
    if not user.check_password(old_password):
        raise ValidationFailed(details={"old_password": [_("The current password is wrong.")]})
    _check_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_revoke_refresh_tokens(user=user)


def user_revoke_refresh_tokens(*, user: User) -> int:
    """Blacklists every outstanding refresh token of `user` and ends their API sessions; returns
    how many tokens were revoked."""
    sessions.sessions_end_all(user=user)
    outstanding = OutstandingToken.objects.filter(user=user).exclude(
        id__in=BlacklistedToken.objects.values("token_id")
    )
    revoked = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


def user_delete_account(*, user: User, actor: User, now: datetime | None = None) -> None:
    """GDPR erasure: personal data anonymised, the account deactivated and signed out, its
    sessions and the e-mails we sent it erased, and every app erases what it holds
    (account_erased: vehicles, bookings). The row stays so that bookings keep their customer for
    accounting."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied()
    moment = resolve_now(now)
    former_email = user.email
    with transaction.atomic():
        user.email = anonymised_email(str(user.public_id))
        user.first_name = ""
        user.last_name = ""
        user.phone = ""
        user.is_active = False
        user.anonymised_at = moment
        user.set_unusable_password()
        user.email_verified_at = None
        user.save()
        user.groups.clear()
        user_revoke_refresh_tokens(user=user)
        LoginSession.objects.filter(user=user).delete()  # devices and addresses
        _erase_emails(former_email, moment=moment)
        account_erased.send(sender=User, user_id=user.pk)


def _erase_emails(address: str, *, moment: datetime) -> None:
    """The e-mails we recorded for the address keep their kind, state and dates (the delivery
    log), not who they went to or what they said."""
    EmailNotification.objects.filter(recipient=address).update(
        recipient=anonymised_email("recipient"),
        subject="",
        body_text="",
        body_html="",
        attachments=[],
    )


def _pair_for(user: User) -> TokenPair:
    """A token pair outside any session, for tests to sign in with (one INSERT, as before
    sessions; its first refresh starts a session). Logins go through token_obtain."""
    refresh = RefreshToken.for_user(user)  # records an OutstandingToken
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _invalid_credentials() -> Unauthenticated:
    return Unauthenticated(
        _("No active account found with the given credentials."),
        code=AccountErrorCode.INVALID_CREDENTIALS,
    )


def token_obtain(
    *,
    email: str,
    password: str,
    client_ip: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> TokenPair:
    """A staff account's failures count towards its lockout here too (else the API would be the
    way round it); a locked one is refused like a wrong password, so that the answer never tells
    a staff account from another."""
    email = normalize_email(email)
    user = authenticate(email=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        if User.objects.filter(email=email, is_staff=True).exists():
            staff_login_failed(email=email, ip=client_ip, entry=API_ENTRY, now=now)
        raise _invalid_credentials()
    if user.is_staff:
        if staff_login_wait(email=email, ip=None, now=now):
            staff_login_refused(email=email, ip=client_ip, entry=API_ENTRY)
            raise _invalid_credentials()
        # The password alone never resets the count of wrong codes when a code step follows
        # at the admin (ADR 0013): the API has no code step, so it would be the way round it.
        if not two_factor.step_required(user):
            staff_login_succeeded(email=email)
    user.last_login = resolve_now(now)
    user.save(update_fields=["last_login"])
    return sessions.session_start(
        user=user, client=Client(user_agent=user_agent, ip=client_ip), now=now
    )


def _invalid_token() -> Unauthenticated:
    return Unauthenticated(
        _("The token is invalid, expired or revoked."), code=ErrorCode.TOKEN_NOT_VALID
    )


def _claim(raw: str) -> tuple[OutstandingToken, RefreshToken]:
    """Marks a refresh token as used, exactly once even when several requests race with it.

    simplejwt checks the blacklist and then blacklists: two concurrent refreshes can both pass the
    check. Here the row is locked and the blacklist insert is the claim: the unique token id makes
    every loser fail, whatever the interleaving. Must run inside a transaction."""
    try:
        token = RefreshToken(raw)  # type: ignore[arg-type]  # signature, expiry and type; refuses a blacklisted token
    except TokenError as exc:
        raise _invalid_token() from exc
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(jti=token[jwt_settings.JTI_CLAIM])
        .first()
    )
    if outstanding is None or outstanding.user is None:
        raise _invalid_token()
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise _invalid_token()
    return outstanding, token


def token_refresh(*, refresh: str, client: Client = NOBODY) -> TokenPair:
    """Rotation: the refresh token is spent and a new pair issued, in the same session (which
    records when and from where it was used)."""
    with transaction.atomic():
        outstanding, token = _claim(refresh)
        user = outstanding.user
        assert user is not None
        if not user.is_active:
            raise _invalid_token()
        pair = sessions.session_rotate(user=user, token=token, client=client)
        if pair is None:  # the session was ended (its token is revoked too: belt and braces)
            raise _invalid_token()
        return pair


def token_revoke(*, refresh: str) -> None:
    """Logout: the refresh token can no longer be used, and its session ends."""
    with transaction.atomic():
        outstanding, _token = _claim(refresh)
        sessions.session_end_by_token(jti=outstanding.jti)


def user_ensure_superuser(*, email: str, password: str) -> tuple[User, bool]:
    """The demo/bootstrap administrator: created once; on later runs it is made an active
    superuser with `password` again only where it is not one already (nothing is written when
    nothing differs)."""
    email = normalize_email(email)
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email=email, defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"}
        )
        ready = user.is_staff and user.is_superuser and user.is_active
        if created or not ready or not user.check_password(password):
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
    return user, created


def user_ensure_in_role(
    *,
    email: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    language: str = "en",
) -> tuple[User, bool]:
    """A bootstrap account (demo data, first run) in one role, created when no account has this
    e-mail; an existing account is returned untouched. Operators are staff. `password` None gives
    an unusable password. Unlike registration, the password validators are not applied: the demo
    logins are deliberately simple (operator / operator)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing, False
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        language=language,
        is_staff=role == OPERATOR,
        # Whoever bootstraps an account gives its address: nobody is asked to verify it.
        email_verified_at=resolve_now(None),
    )
    _full_clean(user, exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    with transaction.atomic():
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user, True


# --- Staff sign-in lockout (docs/rules/security.md) ---------------------------------------------

ADMIN_ENTRY = "admin"
# The admin's second step (a code from the authenticator app or a recovery code): its failures
# count against the same account and address as the password's (accounts.admin_2fa).
ADMIN_2FA_ENTRY = "admin two-factor step"
API_ENTRY = "api"
# Where a failure also counts against the address (the API's logins have their own IP throttle).
_ADDRESS_ENTRIES = {ADMIN_ENTRY, ADMIN_2FA_ENTRY}

security_log = logging.getLogger("accounts.security")


def _lockout(kind: str) -> Lockout:
    seconds = int(settings.STAFF_LOGIN_LOCKOUT_MINUTES) * 60
    if kind == "account":
        return Lockout(limit=int(settings.STAFF_LOGIN_FAILURES_PER_ACCOUNT), seconds=seconds)
    return Lockout(limit=int(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS), seconds=seconds)


def _targets(email: str, ip: str | None) -> list[tuple[str, str]]:
    account = hashlib.sha256(normalize_email(email).encode()).hexdigest()
    return [("account", account), *([("address", ip)] if ip else [])]


def _shown(email: str) -> str:
    """The e-mail as typed, safe for a log line (printable, bounded)."""
    return "".join(c if c.isprintable() else "?" for c in normalize_email(email)[:254])


def _count_failure(kind: str, ident: str, *, moment: float) -> None:
    """One more failure for the account or address; at the limit, a lock until `moment` plus the
    lockout time (the value says until when, on core.clock; the cache's expiry only cleans up)
    and the count starts again."""
    lockout = _lockout(kind)
    counter = f"staff-login-failures:{kind}:{ident}"

    def count(c: BaseCache) -> int:
        c.add(counter, 0, timeout=lockout.seconds)
        try:
            return int(c.incr(counter))
        except ValueError:  # expired between add and incr
            c.set(counter, 1, timeout=lockout.seconds)
            return 1

    def lock(c: BaseCache) -> None:
        c.set(f"staff-login-lock:{kind}:{ident}", moment + lockout.seconds, lockout.seconds + 60)
        c.delete(counter)

    # counting_cache: per process while the shared cache (Redis) is down, rather than not at all.
    if lockout.locks(count(counting_cache)):
        lock(counting_cache)


def staff_login_wait(*, email: str, ip: str | None, now: datetime | None = None) -> int:
    """Seconds before sign-in is allowed again for the account (and, with `ip`, from the
    address): 0 when it is allowed now."""
    moment = resolve_now(now).timestamp()
    keys = [f"staff-login-lock:{kind}:{ident}" for kind, ident in _targets(email, ip)]
    locks = counting_cache.get_many(keys)
    return max((seconds_left(unlock_at, now=moment) for unlock_at in locks.values()), default=0)


def staff_login_failed(
    *, email: str, ip: str | None, entry: str, now: datetime | None = None
) -> int:
    """Counts a failed staff sign-in against the account (and, at the admin, the address), locks
    what reached its limit and logs the failure (never the password). Returns the wait it caused
    (0: not locked)."""
    moment = resolve_now(now).timestamp()
    counted_ip = ip if entry in _ADDRESS_ENTRIES else None
    for kind, ident in _targets(email, counted_ip):
        _count_failure(kind, ident, moment=moment)
    wait = staff_login_wait(email=email, ip=counted_ip, now=now)
    security_log.warning(
        "failed staff sign-in for %s from %s at the %s%s",
        _shown(email),
        ip or "unknown",
        entry,
        " (now locked)" if wait else "",
        extra={"account": _shown(email), "client_ip": ip, "entry": entry, "locked": bool(wait)},
    )
    return wait


def staff_login_refused(*, email: str, ip: str | None, entry: str) -> None:
    """Logs a sign-in refused because the account or the address is locked."""
    security_log.warning(
        "staff sign-in refused (locked out) for %s from %s at the %s",
        _shown(email),
        ip or "unknown",
        entry,
        extra={"account": _shown(email), "client_ip": ip, "entry": entry, "locked": True},
    )


def staff_login_succeeded(*, email: str) -> None:
    """A successful sign-in starts the account's failure count again."""
    ((_kind, ident),) = _targets(email, None)
    counting_cache.delete(f"staff-login-failures:account:{ident}")


def staff_login_unlock(*, email: str | None = None, ip: str | None = None) -> None:
    """Lifts the lock and the count of an account and/or an address (an administrator's act)."""
    targets = _targets(email, ip) if email else ([("address", ip)] if ip else [])
    keys = [
        f"staff-login-{what}:{kind}:{ident}"
        for kind, ident in targets
        for what in ("lock", "failures")
    ]
    counting_cache.delete_many(keys)
