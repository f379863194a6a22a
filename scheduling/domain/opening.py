"""How long a resource is open over some local days: its effective opening (the site's spans,
narrowed by the resource's own hours when it has any) minus the closures of the site and of the
resource. The back-office's utilisation divides booked time by this."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain.hours import WeeklyHours, day_spans, intersect, merge_touching
from scheduling.domain.wallclock import ceil_seconds, floor_seconds

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class ResourceOpening:
    """A resource's open time over the days `first` to `last` (inclusive) of its site's clock."""

    resource_pk: int
    resource_name: str
    site_pk: int
    site_name: str
    timezone: str
    first: date
    last: date
    open_minutes: int


def subtract(spans: Sequence[tuple[int, int]], cuts: Iterable[tuple[int, int]]) -> Spans:
    """`spans` (sorted, disjoint) without any of `cuts` (any order, may overlap)."""
    remaining: Spans = []
    merged = merge_touching(cuts)
    for start, end in spans:
        cursor = start
        for cut_start, cut_end in merged:
            if cut_end <= cursor or cut_start >= end:
                continue
            if cut_start > cursor:
                remaining.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
            if cursor >= end:
                break
        if cursor < end:
            remaining.append((cursor, end))
    return remaining


def open_spans(
    *,
    first: date,
    last: date,
    tz: ZoneInfo,
    site_hours: WeeklyHours,
    resource_hours: WeeklyHours | None,
    closures: Iterable[tuple[datetime, datetime]],
) -> Spans:
    """The resource's open instants (epoch seconds) from `first` to `last` on the clock of `tz`:
    the site's opening, within the resource's own hours when it has any, less the closures."""
    spans: Spans = []
    day = first
    while day <= last:
        site = day_spans(day, site_hours, tz)
        spans.extend(
            site if resource_hours is None else intersect(site, day_spans(day, resource_hours, tz))
        )
        day += timedelta(days=1)
    cuts = [(floor_seconds(start), ceil_seconds(end)) for start, end in closures]
    return subtract(merge_touching(spans), cuts)


def open_minutes(spans: Iterable[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans) // 60


def iso_week(moment: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """Monday and Sunday of the ISO week containing `moment` on the clock of `tz`."""
    today = moment.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
