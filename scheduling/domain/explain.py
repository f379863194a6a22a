"""Why a start is offered or not: the availability engine's rules, applied to one start and
reported one by one (docs/rules/scheduling.md, "Why a start is refused").

One engine, two outputs: every rule here is computed by the functions the engine itself uses
(`allowed_starts`, `site_day_spans`, `day_spans`, `closure_cut`, `busy_cut`, `can_do`), so a start
is offered here exactly when `free_starts` lists it (tests/scheduling/domain/
test_explain_property.py checks it over generated weeks). Unlike the engine, which stops at the
first rule that forbids a start, this reports every rule that rules it out, for the start itself
and for each compatible resource.

Adding a rule (say single-date opening exceptions or holidays): decide it in the engine's one
place (`site_day_spans` for a day's opening), add its code to `Reason` (and to `REFUSAL_ORDER`),
and report it in `explain_start` where the opening of the day is read."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from scheduling.domain.engine import (
    FreeStart,
    Job,
    ResourceSchedule,
    SiteSchedule,
    Span,
    allowed_starts,
    busy_cut,
    can_do,
    closure_cut,
    site_day_spans,
)
from scheduling.domain.hours import day_spans
from scheduling.domain.wallclock import local_date, local_datetime


class Reason(StrEnum):
    """Why a start is not offered: the refusal codes of a booking or a reschedule too
    (`slot_unavailable` stays the code of a lost race: the start was free when read)."""

    ENERGY_NOT_SUPPORTED = "energy_not_supported"  # the service is not done on this energy
    NO_RESOURCE_WITH_SKILL = "no_resource_with_skill"  # no active resource of the site has it
    TOO_SOON = "too_soon"  # before now + the site's minimum notice
    BEYOND_HORIZON = "beyond_horizon"  # after now + the site's horizon
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"  # [t, t+D] not in one opening span
    NOT_ON_GRID = "not_on_grid"  # not the span's opening plus a multiple of the step
    SITE_CLOSED = "site_closed"  # a closure of the site overlaps [t, t+D]
    NOT_IN_RESOURCE_HOURS = "not_in_resource_hours"  # outside the resource's own hours
    RESOURCE_CLOSED = "resource_closed"  # a closure of the resource overlaps [t, t+D]
    TAKEN = "taken"  # a booking (or a buffer) holds the resource over [t, t+D+B]


# The codes as the API's schema lists them (one enum, StartRefusalCodeEnum).
REASON_CODES: tuple[str, ...] = tuple(reason.value for reason in Reason)
# The order reasons are listed in; a refusal's own code is the first reason found in it (the
# rules of the start first, the most lasting first, then those of the resources).
REFUSAL_ORDER: tuple[Reason, ...] = tuple(Reason)
RESOURCE_REASONS = frozenset({Reason.NOT_IN_RESOURCE_HOURS, Reason.RESOURCE_CLOSED, Reason.TAKEN})


@dataclass(frozen=True)
class Booked:
    """A booking holding a resource (only operators are shown which one)."""

    resource_key: int
    start: datetime
    end: datetime  # end of the work
    blocked_until: datetime  # end + the booking's buffer
    reference: str = ""


@dataclass(frozen=True)
class Blocking:
    booking: Booked
    buffer_only: bool  # the work itself does not meet the start: a buffer (its or ours) does


@dataclass(frozen=True)
class Finding:
    """One rule that rules the start out, with what the reader needs to act on it."""

    reason: Reason
    earliest: datetime | None = None  # too_soon: the earliest start allowed
    latest: datetime | None = None  # beyond_horizon: the last one allowed
    grid: tuple[datetime | None, datetime | None] = (None, None)  # not_on_grid: nearest starts
    day: date | None = None  # opening/resource hours: the local day
    hours: tuple[tuple[datetime, datetime], ...] = ()  # ... and its spans (empty: closed)
    closures: tuple[Span, ...] = ()
    blocking: tuple[Blocking, ...] = ()
    skill: str | None = None


@dataclass(frozen=True)
class ResourceVerdict:
    key: int
    findings: tuple[Finding, ...]  # the resource's own rules (hours, closures, bookings)

    @property
    def free(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class Explanation:
    start: datetime  # on the site's clock
    end: datetime
    findings: tuple[Finding, ...]  # rules of the start itself, for every resource
    resources: tuple[ResourceVerdict, ...]  # each compatible resource, in the order given
    before: datetime | None = None  # the nearest offered starts (None: none within reach)
    after: datetime | None = None

    @property
    def offered(self) -> bool:
        return not self.findings and any(r.free for r in self.resources)

    @property
    def free_resources(self) -> tuple[int, ...]:
        return () if self.findings else tuple(r.key for r in self.resources if r.free)

    def reasons(self) -> tuple[Reason, ...]:
        """Every reason the start is not offered, each once, in REFUSAL_ORDER (none if it is).
        A resource's reasons count only when no resource is free."""
        if self.offered:
            return ()
        found = {f.reason for f in self.findings}
        found.update(f.reason for r in self.resources for f in r.findings)
        return tuple(reason for reason in REFUSAL_ORDER if reason in found)

    def findings_of(self, reason: Reason) -> tuple[Finding, ...]:
        every = [*self.findings, *(f for r in self.resources for f in r.findings)]
        return tuple(f for f in every if f.reason is reason)


def _local_spans(
    spans: Iterable[tuple[int, int]], tz: ZoneInfo
) -> tuple[tuple[datetime, datetime], ...]:
    return tuple((local_datetime(a, tz), local_datetime(b, tz)) for a, b in spans)


def explain_start(
    *,
    site: SiteSchedule,
    resources: Sequence[ResourceSchedule],
    booked: Iterable[Booked],
    job: Job,
    start: datetime,
    now: datetime,
    energy_supported: bool = True,
    offered: Sequence[FreeStart] = (),
) -> Explanation:
    """Every rule that rules `start` out, for the start and for each resource that can do the
    job (active, with the skill). `offered`: the engine's free starts around `start` (any window),
    for the nearest offered starts before and after it."""
    tz = ZoneInfo(site.timezone)
    t = start.timestamp()
    whole = start.microsecond == 0  # the engine's starts are whole seconds
    duration = job.duration_minutes * 60
    tail = duration + job.buffer_after_minutes * 60
    findings: list[Finding] = []
    if not energy_supported:
        findings.append(Finding(Reason.ENERGY_NOT_SUPPORTED))
    eligible = [r for r in resources if can_do(r, job)]
    if not eligible:
        findings.append(Finding(Reason.NO_RESOURCE_WITH_SKILL, skill=job.required_skill))
    earliest, latest = allowed_starts(site, now)
    if t < earliest:
        findings.append(Finding(Reason.TOO_SOON, earliest=local_datetime(earliest, tz)))
    if t > latest:
        findings.append(Finding(Reason.BEYOND_HORIZON, latest=local_datetime(latest, tz)))
    day = local_date(math.floor(t), tz)
    spans = site_day_spans(site, day, tz)
    span = next(((a, b) for a, b in spans if a <= t < b), None)
    if span is None or t + duration > span[1]:
        findings.append(
            Finding(Reason.OUTSIDE_OPENING_HOURS, day=day, hours=_local_spans(spans, tz))
        )
    if span is not None:
        origin, span_end = span
        step = site.step_minutes * 60
        offset = math.floor(t) - origin
        if not whole or offset % step:
            below = origin + offset // step * step
            above = below + step
            findings.append(
                Finding(
                    Reason.NOT_ON_GRID,
                    grid=(
                        local_datetime(below, tz),
                        local_datetime(above, tz) if above + duration <= span_end else None,
                    ),
                )
            )
    closed = tuple(c for c in site.closures if _inside(t, closure_cut(c, duration)))
    if closed:
        findings.append(Finding(Reason.SITE_CLOSED, closures=closed))

    by_key: dict[int, list[Booked]] = {r.key: [] for r in eligible}
    for booking in booked:
        bucket = by_key.get(booking.resource_key)
        if bucket is not None:
            bucket.append(booking)
    verdicts = []
    for resource in eligible:
        own: list[Finding] = []
        if resource.hours is not None:
            own_spans = day_spans(day, resource.hours, tz)
            if not any(a <= t and t + duration <= b for a, b in own_spans):
                own.append(
                    Finding(
                        Reason.NOT_IN_RESOURCE_HOURS, day=day, hours=_local_spans(own_spans, tz)
                    )
                )
        shut = tuple(c for c in resource.closures if _inside(t, closure_cut(c, duration)))
        if shut:
            own.append(Finding(Reason.RESOURCE_CLOSED, closures=shut))
        blocking = tuple(
            Blocking(b, buffer_only=not (b.start.timestamp() < t + duration and t < _end(b)))
            for b in sorted(by_key[resource.key], key=lambda b: b.start.timestamp())
            if _inside(t, busy_cut(b.start, b.blocked_until, tail))
        )
        if blocking:
            own.append(Finding(Reason.TAKEN, blocking=blocking))
        verdicts.append(ResourceVerdict(key=resource.key, findings=tuple(own)))

    before, after = nearest(offered, start)
    local = start.astimezone(tz)
    return Explanation(
        start=local,
        end=local_datetime(math.floor(t) + duration, tz) if whole else local,
        findings=tuple(findings),
        resources=tuple(verdicts),
        before=before,
        after=after,
    )


def _inside(t: float, cut: tuple[int, int]) -> bool:
    """`t` in the open interval of forbidden starts."""
    return cut[0] < t < cut[1]


def _end(booking: Booked) -> float:
    return booking.end.timestamp()


def nearest(
    offered: Sequence[FreeStart], start: datetime
) -> tuple[datetime | None, datetime | None]:
    """The offered starts just before and just after `start` (itself excluded); `offered` is in
    time order."""
    t = start.timestamp()
    index = bisect_left(offered, t, key=lambda free: free.start.timestamp())
    before = offered[index - 1].start if index > 0 else None
    while index < len(offered) and offered[index].start.timestamp() <= t:
        index += 1
    after = offered[index].start if index < len(offered) else None
    return before, after
