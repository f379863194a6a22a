"""The availability engine: free start times on the slot grid, per resource (SPEC §5).

A start `t` is free on resource R for a job of duration D and buffer B when
  - R is active and has the job's required skill;
  - [t, t+D] lies inside one continuous opening span of the site and inside one of R's own spans
    (R's own hours, when it has any, else the site's);
  - t is on the grid of that site span: span start + k * step (real minutes);
  - no closure of the site or of R overlaps [t, t+D];
  - no busy interval of R overlaps [t, t+D+B];
  - now + minimum notice <= t <= now + horizon, and window_start <= t < window_end.
"Overlap" is open: an interval ending exactly at t, or starting exactly at t+D (t+D+B for busy
time), does not overlap.

How it stays fast: every rule that forbids a start becomes one open interval of forbidden starts
((c1 - D, c2) for a closure, (b1 - D - B, b2) for a busy interval). Per resource these are sorted
and merged once; each opening span is then cut by them with a bisect, and the grid points of what
remains are produced arithmetically. Cost: O(n log n) in the intervals plus the size of the answer;
nothing loops per minute."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain.hours import WeeklyHours, day_spans
from scheduling.domain.wallclock import ceil_seconds, floor_seconds, local_date, local_datetime


@dataclass(frozen=True)
class Span:
    """An interval of aware datetimes (a closure), with its reason (shown to operators when it
    rules a start out; the engine ignores it)."""

    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True)
class SiteSchedule:
    timezone: str
    hours: WeeklyHours
    step_minutes: int
    min_notice_minutes: int
    horizon_days: int
    closures: Sequence[Span] = ()


@dataclass(frozen=True)
class ResourceSchedule:
    key: int
    active: bool = True
    skills: frozenset[str] = frozenset()
    hours: WeeklyHours | None = None  # None: the site's hours
    closures: Sequence[Span] = ()


@dataclass(frozen=True)
class Job:
    duration_minutes: int
    buffer_after_minutes: int = 0
    required_skill: str | None = None


@dataclass(frozen=True)
class FreeStart:
    start: datetime  # aware, in the site's timezone
    resources: tuple[int, ...]  # keys of the resources free at `start`, in the order given


@dataclass
class _Bounds:
    first: int  # earliest allowed start (epoch seconds, inclusive)
    last: int  # latest allowed start (inclusive)
    tz: ZoneInfo
    site_spans: list[tuple[int, int]] = field(default_factory=list)


def can_do(resource: ResourceSchedule, job: Job) -> bool:
    """Active, and has the required skill when the job needs one."""
    return resource.active and (job.required_skill is None or job.required_skill in resource.skills)


def allowed_starts(site: SiteSchedule, now: datetime) -> tuple[int, int]:
    """The earliest and the latest start the site's notice and horizon allow (epoch seconds,
    inclusive): `now + notice <= t <= now + horizon`."""
    return (
        ceil_seconds(now + timedelta(minutes=site.min_notice_minutes)),
        floor_seconds(now + timedelta(days=site.horizon_days)),
    )


def closure_cut(closure: Span, duration: int) -> tuple[int, int]:
    """The open interval of starts a closure forbids to a job of `duration` seconds: [t, t+D]
    overlaps it."""
    return floor_seconds(closure.start) - duration, ceil_seconds(closure.end)


def busy_cut(start: datetime, end: datetime, blocked_tail: int) -> tuple[int, int]:
    """The open interval of starts a busy interval forbids: [t, t+D+B] overlaps it
    (`blocked_tail` is D+B in seconds). The engine's hot loop inlines this formula."""
    return math.floor(start.timestamp()) - blocked_tail, math.ceil(end.timestamp())


def site_day_spans(site: SiteSchedule, day: date, tz: ZoneInfo) -> list[tuple[int, int]]:
    """The site's continuous opening spans on one local day. The one place where a day's opening
    is decided: single-date exceptions or holidays plug in here (and explain then needs a reason
    for them, scheduling.domain.explain)."""
    return day_spans(day, site.hours, tz)


def _bounds(
    site: SiteSchedule, window_start: datetime, window_end: datetime, now: datetime
) -> _Bounds:
    earliest, latest = allowed_starts(site, now)
    first = max(ceil_seconds(window_start), earliest)
    # Starts are whole seconds, so `t < window_end` is `t <= ceil(window_end) - 1`.
    last = min(ceil_seconds(window_end) - 1, latest)
    return _Bounds(first=first, last=last, tz=ZoneInfo(site.timezone))


def _local_days(bounds: _Bounds) -> list[date]:
    day = local_date(bounds.first, bounds.tz)
    last_day = local_date(bounds.last, bounds.tz)
    days = []
    while day <= last_day:
        days.append(day)
        day += timedelta(days=1)
    return days


def _spans_by_day(hours: WeeklyHours, bounds: _Bounds) -> list[list[tuple[int, int]]]:
    return [day_spans(day, hours, bounds.tz) for day in _local_days(bounds)]


def _merge_open(forbidden: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, joined open intervals (a, b) as two parallel lists. (a, b) and (b, c) stay apart:
    b itself is allowed."""
    forbidden.sort()
    starts: list[int] = []
    ends: list[int] = []
    for a, b in forbidden:
        if ends and a < ends[-1]:
            if b > ends[-1]:
                ends[-1] = b
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _grid_points(
    origin: int, low: int, high: int, step: int, f_starts: list[int], f_ends: list[int]
) -> Iterable[int]:
    """Grid points origin + k*step in [low, high] that are in no forbidden open interval."""
    cursor = low
    index = bisect_right(f_ends, cursor)  # intervals ending at or before the cursor do not matter
    count = len(f_starts)
    while cursor <= high:
        if index < count and f_starts[index] < high:
            segment_end = f_starts[index]  # t == a is still allowed
            next_cursor = f_ends[index]
            index += 1
        else:
            segment_end = high
            next_cursor = high + 1
        if cursor <= segment_end:
            first = origin + -((origin - cursor) // step) * step  # ceil to the grid
            yield from range(first, segment_end + 1, step)
        cursor = max(cursor, next_cursor)


def free_starts_by_resource(
    *,
    site: SiteSchedule,
    resources: Sequence[ResourceSchedule],
    busy: Iterable[tuple[int, datetime, datetime]] = (),
    job: Job,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    busy_seconds: Iterable[tuple[int, int, int]] = (),
) -> dict[int, list[int]]:
    """Free starts (epoch seconds, ascending) per key of each resource that can do the job.
    Busy time comes as aware datetimes (`busy`) or, cheaper, already as whole epoch seconds
    (`busy_seconds`: key, start floored, end ceiled), as the busy-time read gives it; both count."""
    bounds = _bounds(site, window_start, window_end, now)
    eligible = [resource for resource in resources if can_do(resource, job)]
    if bounds.first > bounds.last or not eligible:
        return {}
    step = site.step_minutes * 60
    duration = job.duration_minutes * 60
    blocked_tail = duration + job.buffer_after_minutes * 60

    site_days = [site_day_spans(site, day, bounds.tz) for day in _local_days(bounds)]
    site_forbidden = [closure_cut(c, duration) for c in site.closures]
    busy_by_key: dict[int, list[tuple[int, int]]] = {r.key: [] for r in eligible}
    # The hot loop (one pass over every busy interval): names bound locally on purpose.
    bucket_of, floor, ceil = busy_by_key.get, math.floor, math.ceil
    for key, start, end in busy:
        bucket = bucket_of(key)
        if bucket is not None:
            bucket.append((floor(start.timestamp()) - blocked_tail, ceil(end.timestamp())))
    for key, start_s, end_s in busy_seconds:
        bucket = bucket_of(key)
        if bucket is not None:
            bucket.append((start_s - blocked_tail, end_s))

    result: dict[int, list[int]] = {}
    for resource in eligible:
        forbidden = busy_by_key[resource.key]
        forbidden.extend(site_forbidden)
        forbidden.extend(closure_cut(c, duration) for c in resource.closures)
        f_starts, f_ends = _merge_open(forbidden)
        own_days = None if resource.hours is None else _spans_by_day(resource.hours, bounds)
        starts: list[int] = []
        for day_index, spans in enumerate(site_days):
            own = spans if own_days is None else own_days[day_index]
            for origin, site_end in spans:
                for own_start, own_end in own:
                    low = max(origin, own_start, bounds.first)
                    high = min(site_end, own_end) - duration
                    high = min(high, bounds.last)
                    if low <= high:
                        starts.extend(_grid_points(origin, low, high, step, f_starts, f_ends))
        result[resource.key] = starts
    return result


def free_starts(
    *,
    site: SiteSchedule,
    resources: Sequence[ResourceSchedule],
    busy: Iterable[tuple[int, datetime, datetime]] = (),
    job: Job,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    busy_seconds: Iterable[tuple[int, int, int]] = (),
) -> list[FreeStart]:
    """The free starts of the window in time order, each with the resources free at it."""
    per_resource = free_starts_by_resource(
        site=site,
        resources=resources,
        busy=busy,
        job=job,
        window_start=window_start,
        window_end=window_end,
        now=now,
        busy_seconds=busy_seconds,
    )
    by_start: dict[int, list[int]] = {}
    for resource in resources:  # keeps the caller's resource order inside each start
        for ts in per_resource.get(resource.key, ()):
            keys = by_start.get(ts)
            if keys is None:
                by_start[ts] = [resource.key]
            else:
                keys.append(resource.key)
    tz = ZoneInfo(site.timezone)
    return [
        FreeStart(start=local_datetime(ts, tz), resources=tuple(by_start[ts]))
        for ts in sorted(by_start)
    ]
