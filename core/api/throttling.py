"""Rate limits on the cache (Redis in production, so every app server counts together)."""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle as DrfAnonRateThrottle
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.throttling import UserRateThrottle as DrfUserRateThrottle


class AnonRateThrottle(DrfAnonRateThrottle):
    scope = "anon"


class UserRateThrottle(DrfUserRateThrottle):
    scope = "user"


class LoginIpThrottle(SimpleRateThrottle):
    """Login attempts per client address."""

    scope = "login_ip"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginEmailThrottle(SimpleRateThrottle):
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
