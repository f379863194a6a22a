"""Rate limits on the cache (Redis in production, so every app server counts together; per
process while it is down: core.cache)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle as DrfAnonRateThrottle
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.throttling import UserRateThrottle as DrfUserRateThrottle

from core.cache import counting_cache
from core.client_ip import client_ip


class ClientIpMixin(BaseThrottle):
    """Per-address counting by the one rule of core.client_ip (never DRF's own reading of
    X-Forwarded-For). Every throttle here has it; tests/core/test_client_ip.py checks that each
    throttle an API view uses does."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientIpMixin, DrfAnonRateThrottle):
    scope = "anon"
    cache = counting_cache


class UserRateThrottle(ClientIpMixin, DrfUserRateThrottle):
    scope = "user"
    cache = counting_cache


class LoginIpThrottle(ClientIpMixin, SimpleRateThrottle):
    """Login attempts per client address."""

    scope = "login_ip"
    cache = counting_cache

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _body(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


def _body_text(request: Request, name: str) -> str | None:
    """The body's `name` when it is text with something in it, else None (not counted: the
    view refuses such a body anyway)."""
    value = _body(request).get(name)
    return value if isinstance(value, str) and value.strip() else None


def _email_digest(email: str) -> str:
    # Hashed: a bounded, safe cache key whatever the client sent.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


_DEVICE_SALT = "core.api.throttling.login-device"


def login_device_token(email: str, *, device: str | None = None) -> str:
    """What a successful login hands the client for its next logins with `email`: proof that this
    device has signed in to that account before (signed, nothing stored). `device` keeps the id
    of a device that showed a valid token (its token is renewed, not replaced)."""
    return signing.dumps(
        {"e": _email_digest(email), "d": device or secrets.token_urlsafe(12)}, salt=_DEVICE_SALT
    )


def login_device(token: object, email: str) -> str | None:
    """The device id in `token` when it is a valid, unexpired token for `email`, else None."""
    if not isinstance(token, str) or not token or len(token) > 400:
        return None
    try:
        claims = signing.loads(
            token, salt=_DEVICE_SALT, max_age=int(settings.LOGIN_DEVICE_DAYS) * 86400
        )
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(claims, dict) or claims.get("e") != _email_digest(email):
        return None
    device = claims.get("d")
    return device if isinstance(device, str) else None


class LoginEmailThrottle(ClientIpMixin, SimpleRateThrottle):
    """Login attempts per account, whatever address they come from (slows credential stuffing).

    A device that signed in to the account before (it sends the `device` token its last login
    got) counts on its own, not against the account: whoever hammers a known e-mail cannot lock
    its owner out of the devices they already use (docs/rules/accounts.md, "Throttling")."""

    scope = "login_email"
    cache = counting_cache

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = _body_text(request, "email")
        if email is None:
            return None
        device = login_device(_body(request).get("device"), email)
        ident = f"device-{_email_digest(device)}" if device else _email_digest(email)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _BodyEmailThrottle(ClientIpMixin, SimpleRateThrottle):
    """Counts per e-mail address of the body, whatever address the requests come from, and
    whether or not an account has it (the answer must not tell them apart)."""

    cache = counting_cache

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = _body_text(request, "email")
        if email is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _email_digest(email)}


class PasswordResetEmailThrottle(_BodyEmailThrottle):
    """Reset links asked for one address: nobody can flood someone's mailbox with them."""

    scope = "password_reset"


class RegisterEmailThrottle(_BodyEmailThrottle):
    """Registrations with one address: each e-mails the address (a verification link, or a
    notice to its owner), so they are limited like reset requests."""

    scope = "register_email"


class VerificationResendThrottle(ClientIpMixin, SimpleRateThrottle):
    """Verification links asked for by one account (authenticated)."""

    scope = "verify_resend"
    cache = counting_cache

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if not (user and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"user-{user.pk}"}


class PromoQuoteThrottle(ClientIpMixin, SimpleRateThrottle):
    """Quotes that carry a promo code, per user or (anonymous) per address: trying codes one
    after another is slow (docs/rules/pricing.md). Quotes without a code are not counted here."""

    scope = "quote_promo"
    cache = counting_cache

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if _body_text(request, "promo_code") is None:
            return None
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
