"""Ports: functions a lower app needs and a higher app provides.

Apps depend downwards only, yet vehicles must know whether a vehicle has an active booking, and
scheduling must know which intervals are booked. The lower app declares a `Port` in its public
module with a safe default; the higher app plugs its implementation in `AppConfig.ready()`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Port(Generic[P, R]):
    def __init__(self, name: str, default: Callable[P, R]) -> None:
        self.name = name
        self._default = default
        self._impl: Callable[P, R] = default

    def provide(self, impl: Callable[P, R]) -> None:
        self._impl = impl

    def reset(self) -> None:
        """Back to the default (tests that replace an implementation restore it)."""
        self._impl = self._default

    @property
    def provided(self) -> bool:
        return self._impl is not self._default

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._impl(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name}: {getattr(self._impl, '__qualname__', self._impl)!r}>"
