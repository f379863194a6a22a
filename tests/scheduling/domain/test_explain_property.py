"""Property: explain and availability are one engine with two outputs.

For a generated week (opening hours with breaks, closures of the site and of resources, buffers,
resources with their own hours, bookings, and a daylight-saving change in some weeks), every start
of the week (each 5 minutes, plus some off the minute) is explained, and:
  - explain says "offered" exactly when the engine lists the start, with the same free resources;
  - every reason given is true on its own, checked by the brute-force reference of
    test_engine_property (wall times read minute by minute, rules on aware datetimes), and every
    rule the reference finds broken is given (all of them, not the first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.domain.engine import Job, ResourceSchedule, SiteSchedule, Span, free_starts
from scheduling.domain.explain import Booked, Reason, explain_start
from scheduling.domain.hours import WallInterval
from tests.scheduling.domain.test_engine_property import (
    SKILLS,
    Clock,
    overlaps,
    reference_spans,
    weekly,
)

WEEKS = (
    ("Europe/Paris", date(2026, 3, 23)),  # Sunday 29 March: 02:00 -> 03:00
    ("Europe/Paris", date(2026, 10, 19)),  # Sunday 25 October: 03:00 -> 02:00
    ("Europe/Paris", date(2026, 6, 8)),
    ("America/New_York", date(2026, 11, 1)),  # starts on its autumn change
)
WEEK_MINUTES = 7 * 24 * 60

# site, resources, booked, job, now, start of the week, odd offsets (seconds) into the week
Week = tuple[SiteSchedule, list[ResourceSchedule], list[Booked], Job, datetime, datetime, list[int]]


@dataclass
class ReferenceCache:
    """The reference's clocks by local day, and its opening spans by day and intervals."""

    clocks: dict[date, Clock] = field(default_factory=dict)
    spans: dict[tuple[date, tuple[WallInterval, ...]], list[tuple[datetime, datetime]]] = field(
        default_factory=dict
    )


@st.composite
def week(draw: st.DrawFn) -> Week:
    tz_name, monday = draw(st.sampled_from(WEEKS))
    base = datetime.combine(monday, time(0), tzinfo=ZoneInfo(tz_name)).astimezone(UTC)

    def moment(minute: int) -> datetime:
        return base + timedelta(minutes=minute)

    def interval(max_len: int) -> st.SearchStrategy[tuple[int, int]]:
        return st.tuples(
            st.integers(-600, WEEK_MINUTES).map(lambda m: m - m % 5),
            st.integers(5, max_len).map(lambda m: m - m % 5 or 5),
        )

    site = SiteSchedule(
        timezone=tz_name,
        hours=draw(weekly()),
        step_minutes=draw(st.sampled_from((5, 15, 20, 30, 45, 60))),
        min_notice_minutes=draw(st.sampled_from((0, 30, 120, 600))),
        horizon_days=draw(st.integers(2, 9)),
        closures=[
            Span(moment(a), moment(a + n), "inventory")
            for a, n in draw(st.lists(interval(900), max_size=3))
        ],
    )
    resources = [
        ResourceSchedule(
            key=key,
            active=draw(st.booleans()) or key == 1,
            skills=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
            hours=draw(st.none() | weekly()),
            closures=[
                Span(moment(a), moment(a + n), "repair")
                for a, n in draw(st.lists(interval(600), max_size=3))
            ],
        )
        for key in range(1, draw(st.integers(1, 3)) + 1)
    ]
    booked: list[Booked] = []
    for a, n in draw(st.lists(interval(240), max_size=16)):
        buffer = draw(st.sampled_from((0, 0, 10, 30)))
        booked.append(
            Booked(
                resource_key=draw(st.integers(1, 3)),
                start=moment(a),
                end=moment(a + n),
                blocked_until=moment(a + n + buffer),
                reference=f"BK-{a:06d}",
            )
        )
    job = Job(
        duration_minutes=draw(st.integers(1, 30)) * 5,
        buffer_after_minutes=draw(st.sampled_from((0, 5, 15, 30))),
        required_skill=draw(st.sampled_from((None, *SKILLS))),
    )
    now = moment(draw(st.integers(-2 * 24 * 60, 24 * 60)))
    odd = draw(st.lists(st.integers(0, WEEK_MINUTES * 60), max_size=20))
    return site, resources, booked, job, now, base, odd


def expected_reasons(
    site: SiteSchedule,
    resources: Sequence[ResourceSchedule],
    booked: Iterable[Booked],
    job: Job,
    now: datetime,
    t: datetime,
    cache: ReferenceCache,
) -> tuple[set[Reason], dict[int, set[Reason]]]:
    """What the reference finds broken at `t`: the start's rules, and each resource's."""
    tz = ZoneInfo(site.timezone)
    duration = timedelta(minutes=job.duration_minutes)
    tail = duration + timedelta(minutes=job.buffer_after_minutes)
    day = t.astimezone(tz).date()
    if day not in cache.clocks:
        cache.clocks[day] = Clock(day, tz)
    clock = cache.clocks[day]

    def spans_of(intervals: Sequence[WallInterval]) -> list[tuple[datetime, datetime]]:
        key = (day, tuple(intervals))
        if key not in cache.spans:
            cache.spans[key] = reference_spans(clock, intervals)
        return cache.spans[key]

    start_rules: set[Reason] = set()
    eligible = [
        r
        for r in resources
        if r.active and (job.required_skill is None or job.required_skill in r.skills)
    ]
    if not eligible:
        start_rules.add(Reason.NO_RESOURCE_WITH_SKILL)
    if t < now + timedelta(minutes=site.min_notice_minutes):
        start_rules.add(Reason.TOO_SOON)
    if t > now + timedelta(days=site.horizon_days):
        start_rules.add(Reason.BEYOND_HORIZON)
    spans = spans_of(site.hours.get(day.isoweekday(), ()))
    if not any(a <= t and t + duration <= b for a, b in spans):
        start_rules.add(Reason.OUTSIDE_OPENING_HOURS)
    containing = [a for a, b in spans if a <= t < b]
    step = timedelta(minutes=site.step_minutes)
    if containing and ((t - containing[0]) % step or t.microsecond):  # starts are whole
        start_rules.add(Reason.NOT_ON_GRID)
    if any(overlaps(t, t + duration, c.start, c.end) for c in site.closures):
        start_rules.add(Reason.SITE_CLOSED)
    per_resource: dict[int, set[Reason]] = {}
    for resource in eligible:
        rules: set[Reason] = set()
        if resource.hours is not None:
            own = spans_of(resource.hours.get(day.isoweekday(), ()))
            if not any(a <= t and t + duration <= b for a, b in own):
                rules.add(Reason.NOT_IN_RESOURCE_HOURS)
        if any(overlaps(t, t + duration, c.start, c.end) for c in resource.closures):
            rules.add(Reason.RESOURCE_CLOSED)
        if any(
            b.resource_key == resource.key and overlaps(t, t + tail, b.start, b.blocked_until)
            for b in booked
        ):
            rules.add(Reason.TAKEN)
        per_resource[resource.key] = rules
    return start_rules, per_resource


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(week())
def test_explain_offers_exactly_what_availability_lists_and_each_reason_holds(case: Week) -> None:
    site, resources, booked, job, now, base, odd = case
    week_end = base + timedelta(minutes=WEEK_MINUTES)
    listed = free_starts(
        site=site,
        resources=resources,
        busy=[(b.resource_key, b.start, b.blocked_until) for b in booked],
        job=job,
        window_start=base,
        window_end=week_end,
        now=now,
    )
    by_instant = {int(f.start.timestamp()): f.resources for f in listed}
    candidates = [base + timedelta(minutes=m) for m in range(0, WEEK_MINUTES, 5)]
    candidates += [base + timedelta(seconds=s) for s in odd]
    candidates.append(base + timedelta(minutes=60, microseconds=500))
    cache = ReferenceCache()
    offered_seen = 0
    for t in candidates:
        explained = explain_start(
            site=site,
            resources=resources,
            booked=booked,
            job=job,
            start=t,
            now=now,
            offered=listed,
        )
        ts = t.timestamp()
        engine_free = by_instant.get(int(ts)) if ts == int(ts) else None
        assert explained.offered == (engine_free is not None), t
        if engine_free is not None:
            offered_seen += 1
            assert explained.free_resources == engine_free
            assert explained.reasons() == ()
        start_rules, per_resource = expected_reasons(site, resources, booked, job, now, t, cache)
        assert {f.reason for f in explained.findings} == start_rules, t
        assert {r.key: {f.reason for f in r.findings} for r in explained.resources} == (
            per_resource
        ), t
        # The details name what really rules the start out.
        duration = timedelta(minutes=job.duration_minutes)
        tail = duration + timedelta(minutes=job.buffer_after_minutes)
        for finding in explained.findings_of(Reason.TAKEN):
            for blocking in finding.blocking:
                assert overlaps(t, t + tail, blocking.booking.start, blocking.booking.blocked_until)
                assert blocking.buffer_only == (
                    not overlaps(t, t + duration, blocking.booking.start, blocking.booking.end)
                )
        for reason in (Reason.SITE_CLOSED, Reason.RESOURCE_CLOSED):
            for finding in explained.findings_of(reason):
                assert finding.closures
                assert all(overlaps(t, t + duration, c.start, c.end) for c in finding.closures)
        for finding in explained.findings_of(Reason.TOO_SOON):
            assert finding.earliest is not None
            assert t < finding.earliest
        for finding in explained.findings_of(Reason.BEYOND_HORIZON):
            assert finding.latest is not None
            assert t > finding.latest
        for finding in explained.findings_of(Reason.NOT_ON_GRID):
            below, above = finding.grid
            assert below is not None
            assert below < t
            assert above is None or above > t
        if explained.before is not None:
            assert explained.before < t
            assert int(explained.before.timestamp()) in by_instant
        if explained.after is not None:
            assert explained.after > t
            assert int(explained.after.timestamp()) in by_instant
    assert offered_seen == len([f for f in listed if base <= f.start < week_end])
