"""Property: the engine returns exactly the grid starts that break no rule.

The reference below is written independently and naively: wall-clock times become instants by
scanning the day minute by minute ("the first minute of the day whose clock reads w or later"),
and every rule is checked on aware datetimes, start by start. For random sites, hours (some in the
skipped or repeated hour), resources, closures and busy time around daylight-saving changes, the
engine's answer must equal the reference's: nothing it returns breaks a rule (no overlap with busy
time, closures or closed periods), and every grid start it omits breaks at least one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.domain.engine import (
    Job,
    ResourceSchedule,
    SiteSchedule,
    Span,
    free_starts_by_resource,
)
from scheduling.domain.hours import WallInterval, WeeklyHours
from scheduling.domain.values import BusyInterval

ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "UTC")
DAYS_NEAR_CHANGES = (
    date(2026, 3, 8),  # New York spring
    date(2026, 3, 29),  # Paris spring
    date(2026, 4, 5),  # Lord Howe autumn (30 minutes back)
    date(2026, 10, 4),  # Lord Howe spring (30 minutes forward)
    date(2026, 10, 25),  # Paris autumn
    date(2026, 11, 1),  # New York autumn
    date(2026, 6, 15),
)
SKILLS = ("tyres", "wash")


# ---------------------------------------------------------------- reference (brute force)


class Clock:
    """Local wall time of every minute around one local day, read from the zone directly."""

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.day = day
        origin = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=16)
        self.minutes: list[tuple[datetime, time]] = []
        for i in range(0, 48 * 60):
            moment = origin + timedelta(minutes=i)
            local = moment.astimezone(tz)
            if local.date() == day:
                self.minutes.append((moment, local.time().replace(tzinfo=None)))

    def first_reading(self, wall: time) -> datetime:
        for moment, reading in self.minutes:
            if reading >= wall:
                return moment
        return self.minutes[-1][0] + timedelta(minutes=1)  # past the end of the day


def reference_spans(
    clock: Clock, intervals: Iterable[WallInterval]
) -> list[tuple[datetime, datetime]]:
    spans = sorted((clock.first_reading(i.opens), clock.first_reading(i.closes)) for i in intervals)
    joined: list[list[datetime]] = []
    for start, end in spans:
        if end <= start:
            continue
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(a, b) for a, b in joined]


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def reference(
    site: SiteSchedule,
    resources: Sequence[ResourceSchedule],
    busy: Iterable[tuple[int, datetime, datetime]],
    job: Job,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> dict[int, list[int]]:
    tz = ZoneInfo(site.timezone)
    step = timedelta(minutes=site.step_minutes)
    duration = timedelta(minutes=job.duration_minutes)
    tail = duration + timedelta(minutes=job.buffer_after_minutes)
    first_day = (window_start.astimezone(tz) - timedelta(days=1)).date()
    last_day = window_end.astimezone(tz).date()
    result: dict[int, list[int]] = {}
    for resource in resources:
        if not resource.active:
            continue
        if job.required_skill and job.required_skill not in resource.skills:
            continue
        ok: list[int] = []
        day = first_day
        while day <= last_day:
            clock = Clock(day, tz)
            own_hours = resource.hours if resource.hours is not None else site.hours
            site_spans = reference_spans(clock, site.hours.get(day.isoweekday(), ()))
            own_spans = reference_spans(clock, own_hours.get(day.isoweekday(), ()))
            for s_start, s_end in site_spans:
                t = s_start
                while t < s_end:  # every grid point of this opening span
                    fits_site = t + duration <= s_end
                    fits_own = any(a <= t and t + duration <= b for a, b in own_spans)
                    closed = any(
                        overlaps(t, t + duration, c.start, c.end)
                        for c in [*site.closures, *resource.closures]
                    )
                    taken = any(
                        key == resource.key and overlaps(t, t + tail, b_start, b_end)
                        for key, b_start, b_end in busy
                    )
                    timely = (
                        now + timedelta(minutes=site.min_notice_minutes)
                        <= t
                        <= now + timedelta(days=site.horizon_days)
                    )
                    in_window = window_start <= t < window_end
                    if fits_site and fits_own and not closed and not taken and timely and in_window:
                        ok.append(int(t.timestamp()))
                    t += step
            day += timedelta(days=1)
        result[resource.key] = sorted(ok)
    return result


# ---------------------------------------------------------------- strategies

# site, resources, busy, job, window start, window end, now
Scenario = tuple[
    SiteSchedule, list[ResourceSchedule], list[BusyInterval], Job, datetime, datetime, datetime
]


@st.composite
def day_hours(draw: st.DrawFn) -> list[WallInterval]:
    """0 to 3 intervals on a quarter-hour grid, in order, touching or apart (never overlapping),
    often in the small hours where clocks change."""
    count = draw(st.sampled_from((1, 1, 2, 2, 3, 0)))
    quarter = draw(st.integers(0, 60))
    intervals: list[WallInterval] = []
    for _ in range(count):
        end = min(quarter + draw(st.integers(2, 48)), 24 * 4 - 1)
        if end <= quarter:
            break
        intervals.append(
            WallInterval(time(quarter // 4, quarter % 4 * 15), time(end // 4, end % 4 * 15))
        )
        quarter = end + draw(st.sampled_from((0, 1, 4, 8)))
    return intervals


@st.composite
def weekly(draw: st.DrawFn) -> WeeklyHours:
    same = draw(st.booleans())
    if same:
        hours = draw(day_hours())
        return dict.fromkeys(range(1, 8), hours)
    return {d: draw(day_hours()) for d in range(1, 8)}


@st.composite
def scenario(draw: st.DrawFn) -> Scenario:
    tz_name = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(tz_name)
    day = draw(st.sampled_from(DAYS_NEAR_CHANGES))
    base = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    span_minutes = 3 * 24 * 60

    def moment(minute: int) -> datetime:
        return base + timedelta(minutes=minute)

    def interval(max_len: int) -> st.SearchStrategy[tuple[int, int]]:
        return st.tuples(
            st.integers(-600, span_minutes).map(lambda m: m - m % 5),
            st.integers(5, max_len).map(lambda m: m - m % 5 or 5),
        )

    site_closures = [
        Span(moment(a), moment(a + n)) for a, n in draw(st.lists(interval(600), max_size=2))
    ]
    resources: list[ResourceSchedule] = []
    for key in range(1, draw(st.integers(1, 3)) + 1):
        resources.append(
            ResourceSchedule(
                key=key,
                active=draw(st.booleans()) or key == 1,
                skills=frozenset(SKILLS if key == 1 else draw(st.sets(st.sampled_from(SKILLS)))),
                hours=draw(st.none() | weekly()),
                closures=[
                    Span(moment(a), moment(a + n))
                    for a, n in draw(st.lists(interval(300), max_size=2))
                ],
            )
        )
    busy = [
        BusyInterval(draw(st.integers(1, 3)), moment(a), moment(a + n))
        for a, n in draw(st.lists(interval(240), max_size=8))
    ]
    site = SiteSchedule(
        timezone=tz_name,
        hours=draw(weekly()),
        step_minutes=draw(st.sampled_from((5, 10, 15, 20, 25, 30, 45, 60, 90))),
        min_notice_minutes=draw(st.sampled_from((0, 0, 30, 120, 600))),
        horizon_days=draw(st.integers(1, 5)),
        closures=site_closures,
    )
    job = Job(
        duration_minutes=draw(st.integers(1, 36)) * 5,
        buffer_after_minutes=draw(st.sampled_from((0, 0, 5, 15, 30))),
        required_skill=draw(st.sampled_from((None, None, *SKILLS))),
    )
    now = moment(draw(st.integers(-24 * 60, 6 * 60)))
    window_start = moment(draw(st.integers(-60, 12 * 60)))
    window_end = window_start + timedelta(minutes=draw(st.integers(12 * 60, 2 * 24 * 60)))
    return site, resources, busy, job, window_start, window_end, now


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario())
def test_engine_returns_exactly_the_starts_that_break_no_rule(case: Scenario) -> None:
    site, resources, busy, job, window_start, window_end, now = case
    engine = free_starts_by_resource(
        site=site,
        resources=resources,
        busy=busy,
        job=job,
        window_start=window_start,
        window_end=window_end,
        now=now,
    )
    expected = reference(site, resources, busy, job, window_start, window_end, now)
    assert {k: v for k, v in engine.items() if v} == {k: v for k, v in expected.items() if v}
