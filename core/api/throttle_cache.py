"""Where the throttles count: the shared cache (Redis in production, so every app server counts
together), or, while it is unreachable, this process's memory.

The cache is an optimisation (SPEC §7): with Redis down the API keeps serving, each process then
enforcing the same rates on its own (so the effective limit is the rate times the number of
processes until Redis is back). The outage is logged at most once a minute, not once a request,
and the shared cache is not asked again for a few seconds after a failure, so that a Redis that
hangs instead of refusing costs one timeout, not one per request."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import cache as shared_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

WARNING_INTERVAL_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5.0

_local = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_lock = threading.Lock()


class _Outage:
    down_until = 0.0  # the shared cache is not asked before this (monotonic seconds)
    warned_at: float | None = None


_state = _Outage()


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
        "cache unavailable (%s: %s): throttles count per process until it is back",
        type(error).__name__,
        error,
    )


def forget_outage() -> None:
    """Back to a fresh process's state (tests)."""
    with _lock:
        _state.down_until = 0.0
        _state.warned_at = None
    _local.clear()


class ThrottleCache(BaseCache):
    """The two calls DRF's SimpleRateThrottle makes on `self.cache`, with the fallback (the other
    cache methods are BaseCache's: not implemented, nothing else uses this object)."""

    def __init__(self) -> None:
        super().__init__({})

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        if _monotonic() >= _state.down_until:
            try:
                return shared_cache.get(key, default, version)
            except Exception as error:  # each cache backend has its own errors; all mean "down"
                self._failed(error)
        return _local.get(key, default, version)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        if _monotonic() >= _state.down_until:
            try:
                shared_cache.set(key, value, timeout, version)
                return
            except Exception as error:
                self._failed(error)
        _local.set(key, value, timeout, version)

    @staticmethod
    def _failed(error: BaseException) -> None:
        _state.down_until = _monotonic() + RETRY_AFTER_SECONDS
        warn_outage(error)


throttle_cache = ThrottleCache()
