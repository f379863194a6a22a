"""API sessions (docs/rules/accounts.md, "Sessions"): each login starts one, each refresh
rotates its refresh token and records when and from where it was used, and ending one revokes its
current refresh token. The refresh and access tokens carry the session's id (`sid`)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.domain.codes import AccountErrorCode
from accounts.models import LoginSession, User
from core.clock import resolve_now
from core.errors import NotFound

SESSION_CLAIM = "sid"
USER_AGENT_MAX = 512


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


@dataclass(frozen=True)
class Client:
    """Where a request came from, as the session records it."""

    user_agent: str = ""
    ip: str | None = None

    @property
    def address(self) -> str | None:
        """The IP address, or None when it is not one (an unknown client address)."""
        if not self.ip:
            return None
        try:
            return str(ipaddress.ip_address(self.ip))
        except ValueError:
            return None


NOBODY = Client()


def _issue(user: User, session_id: UUID) -> tuple[TokenPair, str]:
    refresh = RefreshToken.for_user(user)  # records an OutstandingToken (with its jti)
    refresh[SESSION_CLAIM] = str(session_id)  # copied into the access token
    pair = TokenPair(access=str(refresh.access_token), refresh=str(refresh))
    return pair, str(refresh[jwt_settings.JTI_CLAIM])


def _expiry(moment: datetime) -> datetime:
    lifetime: timedelta = jwt_settings.REFRESH_TOKEN_LIFETIME
    return moment + lifetime


def session_start(*, user: User, client: Client = NOBODY, now: datetime | None = None) -> TokenPair:
    """A login: a new session and its first token pair."""
    moment = resolve_now(now)
    session = LoginSession(
        user=user,
        created_at=moment,
        last_used_at=moment,
        expires_at=_expiry(moment),
        user_agent=client.user_agent[:USER_AGENT_MAX],
        ip=client.address,
    )
    pair, session.refresh_jti = _issue(user, session.public_id)
    session.save()
    return pair


def session_rotate(
    *, user: User, token: Any, client: Client = NOBODY, now: datetime | None = None
) -> TokenPair | None:
    """A refresh (the old token is already claimed, in the caller's transaction): the session's
    new pair, or None when its session has ended. A token from before sessions existed starts
    one."""
    moment = resolve_now(now)
    sid = token.get(SESSION_CLAIM)
    session = None
    if sid is not None:
        session = (
            LoginSession.objects.select_for_update()
            .filter(public_id=sid, user=user, ended_at=None)
            .first()
        )
        if session is None:
            return None
    if session is None:
        return session_start(user=user, client=client, now=now)
    pair, session.refresh_jti = _issue(user, session.public_id)
    session.last_used_at = moment
    session.expires_at = _expiry(moment)
    if client.user_agent:
        session.user_agent = client.user_agent[:USER_AGENT_MAX]
    session.ip = client.address or session.ip
    session.save(update_fields=["refresh_jti", "last_used_at", "expires_at", "user_agent", "ip"])
    return pair


def _end(sessions: QuerySet[LoginSession], *, moment: datetime) -> int:
    """Ends the sessions and revokes their current refresh tokens."""
    jtis = list(sessions.values_list("refresh_jti", flat=True))
    outstanding = OutstandingToken.objects.filter(jti__in=jtis)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return sessions.update(ended_at=moment)


def session_end_by_token(*, jti: str, now: datetime | None = None) -> None:
    """A logout: the session whose current refresh token this is ends."""
    LoginSession.objects.filter(refresh_jti=jti, ended_at=None).update(ended_at=resolve_now(now))


def session_end(*, user: User, session_id: UUID, now: datetime | None = None) -> None:
    """Signs one of the user's devices out (404 for a session that is not theirs or is over)."""
    moment = resolve_now(now)
    sessions = LoginSession.objects.filter(
        public_id=session_id, user=user, ended_at=None, expires_at__gt=moment
    )
    if not _end(sessions, moment=moment):
        raise NotFound(code=AccountErrorCode.SESSION_NOT_FOUND)


def sessions_end_all(*, user: User, now: datetime | None = None) -> int:
    """Ends every session of the user (their refresh tokens: see user_revoke_refresh_tokens)."""
    moment = resolve_now(now)
    return _end(LoginSession.objects.filter(user=user, ended_at=None), moment=moment)
