"""What scheduling needs from a higher app. Declared here, at the bottom of the app, so that the
selectors can call it; re-exported by scheduling.public, where bookings plugs its implementation
in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.ports import Port
from scheduling.domain.changes import RemovedTime
from scheduling.domain.explain import Booked
from scheduling.domain.values import BusyInterval, HeldInterval

# Given resource pks and a UTC window [start, end), the blocked ranges (start, end + buffer) of the
# active bookings (pending, confirmed, in progress) on those resources that overlap the window.
# One call per availability question: the implementation should read them in one SQL query.
busy_intervals: Port[[Sequence[int], datetime, datetime], list[BusyInterval]] = Port(
    "scheduling.busy_intervals",
    answers="the booked intervals of some resources within a window",
)


# The same question as busy_intervals, answered as whole epoch seconds: (resource pk, the start
# floored, the blocked end ceiled), as the engine counts. The availability read takes this one:
# building thousands of datetimes that the engine turns back into numbers was half its time
# (docs/benchmarks.md, availability). One SQL query.
busy_seconds: Port[[Sequence[int], datetime, datetime], list[tuple[int, int, int]]] = Port(
    "scheduling.busy_seconds",
    answers="the booked intervals of some resources within a window, in epoch seconds",
)


# Given resource pks and a UTC window [start, end), the blocked ranges of every booking that holds
# or held those resources' time (active ones, and completed and no-show ones; not cancelled nor
# expired) overlapping the window, each saying whether it is still active. The assignment reads
# it over a whole local day (booked minutes) in place of the busy-time port: one SQL query.
held_intervals: Port[[Sequence[int], datetime, datetime], list[HeldInterval]] = Port(
    "scheduling.held_intervals",
    answers="the intervals some resources' bookings hold or held within a window, active or not",
)


# Given resource pks and a UTC window [start, end), the active bookings on them overlapping the
# window (by blocked range) with their end of work and reference: what an explanation shows an
# operator as "taken by". One SQL query; read only to explain a start.
booked_intervals: Port[[Sequence[int], datetime, datetime], list[Booked]] = Port(
    "scheduling.booked_intervals",
    answers="the active bookings of some resources within a window, with their references",
)


# Given the time a proposed change of hours would remove (scheduling.domain.changes), how many
# active bookings (pending, confirmed, in progress) overlap it by their work: the back-office of
# scheduling refuses to save such a change itself and sends the operator to the page of bookings
# that lists them and handles each. One SQL query (none for no removed time).
active_bookings_hit: Port[[Sequence[RemovedTime]], int] = Port(
    "scheduling.active_bookings_hit",
    answers="how many active bookings overlap some removed time",
)
