from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import connection

from scheduling.domain.values import BusyInterval, HeldInterval
from scheduling.domain.wallclock import ceil_seconds, floor_seconds
from scheduling.public import busy_intervals, busy_seconds, held_intervals


@pytest.fixture
def busy() -> Iterator[Callable[[list[BusyInterval]], None]]:
    """Plugs a busy-time implementation that serves the given intervals and, like the real one,
    costs one SQL query per call; the held-time port serves the same intervals, all active, and
    the seconds port the same in epoch seconds."""

    def _provide(intervals: list[BusyInterval]) -> None:
        def _impl(resource_pks: Any, start: datetime, end: datetime) -> list[BusyInterval]:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            wanted = set(resource_pks)
            return [
                b for b in intervals if b.resource_pk in wanted and b.start < end and b.end > start
            ]

        def _held(resource_pks: Any, start: datetime, end: datetime) -> list[HeldInterval]:
            return [HeldInterval(*b, active=True) for b in _impl(resource_pks, start, end)]

        def _seconds(resource_pks: Any, start: datetime, end: datetime) -> list[Any]:
            return [
                (b.resource_pk, floor_seconds(b.start), ceil_seconds(b.end))
                for b in _impl(resource_pks, start, end)
            ]

        busy_intervals.provide(_impl)
        busy_seconds.provide(_seconds)
        held_intervals.provide(_held)

    # Bookings provides them all: its implementations answer again afterwards.
    with busy_intervals.restoring(), busy_seconds.restoring(), held_intervals.restoring():
        yield _provide
