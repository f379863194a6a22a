from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import connection

from scheduling.domain.values import BusyInterval
from scheduling.public import busy_intervals


@pytest.fixture
def busy() -> Iterator[Callable[[list[BusyInterval]], None]]:
    """Plugs a busy-time implementation that serves the given intervals and, like the real one,
    costs one SQL query per call."""

    def _provide(intervals: list[BusyInterval]) -> None:
        def _impl(resource_pks: Any, start: datetime, end: datetime) -> list[BusyInterval]:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            wanted = set(resource_pks)
            return [
                b for b in intervals if b.resource_pk in wanted and b.start < end and b.end > start
            ]

        busy_intervals.provide(_impl)

    previous = busy_intervals._impl  # bookings may have provided one: put it back afterwards
    yield _provide
    busy_intervals.provide(previous)
