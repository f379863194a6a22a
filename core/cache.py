"""The shared cache (Redis in production) as the app uses it: an optimisation, never a reason to
fail (SPEC §7). While it is unreachable, what must still be counted (throttles, staff sign-in
failures) is counted in this process's memory, and what is only a shortcut (the cached catalogue)
is skipped, so the database answers.

The outage is logged at most once a minute per process, not once a request, and the shared cache
is not asked again for a few seconds after a failure, so that a Redis that hangs instead of
refusing costs one timeout, not one per request. One breaker for the process: there is one
shared cache."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache as shared_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

WARNING_INTERVAL_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5.0

T = TypeVar("T")

_lock = threading.Lock()


class _Outage:
    down_until = 0.0  # the shared cache is not asked before this (monotonic seconds)
    warned_at: float | None = None


_state = _Outage()
_locals: list[LocMemCache] = []


def _monotonic() -> float:
    return time.monotonic()


def warn_outage(error: BaseException) -> None:
    """Logs the outage unless it was logged less than a minute ago (in this process)."""
    now = _monotonic()
    with _lock:
        warned_at = _state.warned_at
        if warned_at is not None and now - warned_at < WARNING_INTERVAL_SECONDS:
            return
        _state.warned_at = now
    logger.warning(
        "cache unavailable (%s: %s): counting per process and reading the database until it is "
        "back",
        type(error).__name__,
        error,
    )


def forget_outage() -> None:
    """Back to a fresh process's state (tests)."""
    with _lock:
        _state.down_until = 0.0
        _state.warned_at = None
    for local in _locals:
        local.clear()


class FallbackCache(BaseCache):
    """The calls the app makes on the cache, on the shared cache while it answers, else on
    `local` (this process's memory), or, with no `local`, as a cache that holds nothing (a get
    misses, a write is dropped). The other cache methods are BaseCache's (not implemented):
    nothing else uses these objects."""

    def __init__(self, name: str, *, keep_locally: bool) -> None:
        super().__init__({})
        self._local: BaseCache | None = None
        if keep_locally:
            local = LocMemCache(f"fallback-{name}", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
            _locals.append(local)
            self._local = local

    def _either(self, shared: Callable[[BaseCache], T], missing: T) -> T:
        if _monotonic() >= _state.down_until:
            try:
                return shared(shared_cache)
            except ValueError:  # incr of a missing key: an answer, not an outage
                raise
            except Exception as error:  # each cache backend has its own errors; all mean "down"
                _state.down_until = _monotonic() + RETRY_AFTER_SECONDS
                warn_outage(error)
        return shared(self._local) if self._local is not None else missing

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._either(lambda c: c.get(key, default, version), default)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._either(lambda c: c.get_many(keys, version), {})

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._either(lambda c: c.set(key, value, timeout, version), None)

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._either(lambda c: c.add(key, value, timeout, version), False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        if self._local is None:
            raise ValueError("nothing is counted in a cache that keeps nothing")
        return self._either(lambda c: c.incr(key, delta, version), 0)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._either(lambda c: c.delete(key, version), False)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self._either(lambda c: c.delete_many(keys, version), None)


# What must be counted even while the shared cache is down: throttles, staff sign-in failures.
counting_cache = FallbackCache("counting", keep_locally=True)
# What is only a shortcut: missing it means reading the database.
shortcut_cache = FallbackCache("shortcut", keep_locally=False)
