"""Rate limits on the cache (Redis in production, so every app server counts together)."""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle as DrfAnonRateThrottle
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.throttling import UserRateThrottle as DrfUserRateThrottle

from core.client_ip import client_ip


class ClientIpMixin(BaseThrottle):
    """Per-address counting by the one rule of core.client_ip (never DRF's own reading of
    X-Forwarded-For). Every throttle here has it; tests/core/test_client_ip.py checks that each
    throttle an API view uses does."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientIpMixin, DrfAnonRateThrottle):
    scope = "anon"


class UserRateThrottle(ClientIpMixin, DrfUserRateThrottle):
    scope = "user"


class LoginIpThrottle(ClientIpMixin, SimpleRateThrottle):
    """Login attempts per client address."""

    scope = "login_ip"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginEmailThrottle(ClientIpMixin, SimpleRateThrottle):
    """Login attempts per account, whatever address they come from (slows credential stuffing)."""

    scope = "login_email"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        email = data.get("email")
        if not isinstance(email, str) or not email.strip():
            return None
        # Hashed: a bounded, safe cache key whatever the client sent.
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
