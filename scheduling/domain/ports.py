"""What scheduling needs from a higher app. Declared here, at the bottom of the app, so that the
selectors can call it; re-exported by scheduling.public, where bookings plugs its implementation
in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.ports import Port
from scheduling.domain.values import BusyInterval


def _nothing_booked(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> list[BusyInterval]:
    return []


# Given resource pks and a UTC window [start, end), the blocked ranges (start, end + buffer) of the
# active bookings (pending, confirmed, in progress) on those resources that overlap the window.
# One call per availability question: the implementation should read them in one SQL query.
busy_intervals: Port[[Sequence[int], datetime, datetime], list[BusyInterval]] = Port(
    "scheduling.busy_intervals", default=_nothing_booked
)
