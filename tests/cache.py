"""The suite's own cache keys, and only those, are cleared between tests.

The Redis database may be shared (a development server, another checkout's run): a FLUSHDB, which
is what `cache.clear()` does with django-redis, would wipe their throttle counters and cached pages.
config.settings.test gives each run its own key prefix; this removes the keys under it."""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

# django-redis ships no type information (no py.typed, no stubs).
from django_redis import get_redis_connection  # type: ignore[import-untyped]
from django_redis.client.default import glob_escape  # type: ignore[import-untyped]


def clear_test_cache() -> None:
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()  # local memory belongs to this process alone
        return
    # Anything else is taken to be shared; get_redis_connection refuses a backend it cannot scope.
    client = get_redis_connection("default")
    # Every version of every key (django-redis writes "<prefix>:<version>:<key>").
    pattern = f"{glob_escape(cache.key_prefix)}:*"
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)
