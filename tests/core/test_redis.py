"""With REDIS_URL set (CI, production), the cache and so the throttles live in Redis."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def test_the_cache_is_redis_and_shared() -> None:
    # django-redis ships no type information (no stubs, no py.typed).
    from django_redis.cache import RedisCache  # type: ignore[import-untyped]

    assert isinstance(caches["default"], RedisCache)
    cache.set("shared-key", "value", timeout=10)
    # A second client object (another process would have its own) sees the same value.
    other = caches.create_connection("default")
    assert other.get("shared-key") == "value"


UNREACHABLE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def test_ready_is_503_when_redis_is_down(api_client: APIClient) -> None:
    with override_settings(CACHES=UNREACHABLE):  # Django resets its cache handlers for this
        response = api_client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}
