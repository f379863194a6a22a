"""Ports: functions a lower app needs and a higher app provides.

Apps depend downwards only, yet vehicles must know whether a vehicle has an active booking, and
scheduling must know which intervals are booked. The lower app declares a `Port` (what it asks,
in its name and `answers`); the higher app plugs its implementation in `AppConfig.ready()`.

A port has no default: an answer that looks harmless ("nothing is booked", "no booking") would
let a slot be sold twice or a booked vehicle be deleted when the wiring is missing. A port that
was not provided raises `PortNotProvided` when it is called, and the system check
`core.checks.ports_provided` names it at start-up: it finds every port an app declares in that
app's `public` module, which re-exports them (docs/adr/0007-ports-fail-closed.md).

Plain Python: domain modules declare ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class PortNotProvided(RuntimeError):
    """A port was called before any app provided it: the project is miswired."""


class Port(Generic[P, R]):
    def __init__(self, name: str, *, answers: str) -> None:
        self.name = name
        self.answers = answers
        self._impl: Callable[P, R] | None = None

    def provide(self, impl: Callable[P, R]) -> None:
        self._impl = impl

    @property
    def provided(self) -> bool:
        return self._impl is not None

    @contextmanager
    def restoring(self) -> Iterator[None]:
        """Whatever is provided now is provided again on leaving (tests and benchmarks that plug
        their own implementation for a while)."""
        previous = self._impl
        try:
            yield
        finally:
            self._impl = previous

    @contextmanager
    def replaced(self, impl: Callable[P, R] | None) -> Iterator[None]:
        """`impl` answers inside the block (None: nobody does), the previous one afterwards."""
        with self.restoring():
            self._impl = impl
            yield

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        impl = self._impl
        if impl is None:
            raise PortNotProvided(
                f"Port {self.name} ({self.answers}) was called but no app provides it: "
                "provide it in the providing app's AppConfig.ready()."
            )
        return impl(*args, **kwargs)

    def __repr__(self) -> str:
        impl = "not provided" if self._impl is None else getattr(self._impl, "__qualname__", "?")
        return f"<Port {self.name}: {impl}>"
