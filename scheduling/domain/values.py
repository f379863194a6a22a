"""Plain values scheduling hands to other apps (re-exported by scheduling.public)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from uuid import UUID


class BusyInterval(NamedTuple):
    """Time a resource is taken: a booking from its start to its blocked end (end + buffer).
    A NamedTuple rather than a dataclass: the busy-time port returns thousands of them and a tuple
    is several times cheaper to build."""

    resource_pk: int
    start: datetime
    end: datetime

    def in_utc(self) -> BusyInterval:
        """The same interval on the UTC clock, so that it matches the busy-time port's (tuples
        compare their datetimes with `==`, which fails across zones in a repeated hour)."""
        return BusyInterval(self.resource_pk, self.start.astimezone(UTC), self.end.astimezone(UTC))


class HeldInterval(NamedTuple):
    """Time a booking holds or held on a resource (start to blocked end), for the assignment's
    "booked minutes that day": `active` when it still blocks the resource (pending, confirmed,
    in progress), not when it is done with (completed, no-show)."""

    resource_pk: int
    start: datetime
    end: datetime
    active: bool

    def busy(self) -> BusyInterval:
        return BusyInterval(self.resource_pk, self.start, self.end)


@dataclass(frozen=True)
class HeldWindow:
    """The question of the held-time port for one assignment: the time held on these resources
    over [start, end) (UTC). Placing a booking asks it (scheduling.public.held_window); the app
    that owns the bookings may answer it in a read it makes anyway (HeldTime) instead of the
    port's own query."""

    resource_pks: tuple[int, ...]
    start: datetime
    end: datetime


@dataclass(frozen=True)
class HeldTime:
    """The held-time port's answer to `window`, read by the caller (the intervals of every
    booking that holds or held those resources' time overlapping it)."""

    window: HeldWindow
    intervals: tuple[HeldInterval, ...]


@dataclass(frozen=True)
class SitePolicy:
    pk: int
    id: UUID
    name: str
    timezone: str
    slot_step_minutes: int
    min_notice_minutes: int
    horizon_days: int
    auto_confirm: bool
    confirmation_window_minutes: int
    country: str = ""  # public holidays: ISO 3166 code, "" for none
    subdivision: str = ""


@dataclass(frozen=True)
class ResourceInfo:
    pk: int
    id: UUID
    name: str
    kind: str  # "bay" | "technician" | "mobile_unit"
    site_pk: int
    technician_user_id: int | None
