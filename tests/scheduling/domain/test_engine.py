"""The availability rule of SPEC §5, example by example, on plain values (no database)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain.engine import (
    FreeStart,
    Job,
    ResourceSchedule,
    SiteSchedule,
    Span,
    free_starts,
)
from scheduling.domain.hours import WallInterval, WeeklyHours
from scheduling.domain.values import BusyInterval

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 6, 1)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=PARIS)


def every_day(*intervals: tuple[time, time]) -> dict[int, list[WallInterval]]:
    return {d: [WallInterval(o, c) for o, c in intervals] for d in range(1, 8)}


NINE_TO_NOON = every_day((time(9), time(12)))


def site(
    hours: WeeklyHours = NINE_TO_NOON,
    *,
    step: int = 15,
    notice: int = 0,
    horizon: int = 365,
    closures: Sequence[Span] = (),
    tz: str = "Europe/Paris",
) -> SiteSchedule:
    return SiteSchedule(
        timezone=tz,
        hours=hours,
        step_minutes=step,
        min_notice_minutes=notice,
        horizon_days=horizon,
        closures=closures,
    )


def starts(
    schedule: SiteSchedule,
    *,
    day: date = MONDAY,
    days: int = 1,
    job: Job | None = None,
    resources: Sequence[ResourceSchedule] | None = None,
    busy: Iterable[tuple[int, datetime, datetime]] = (),
    now: datetime = LONG_AGO,
) -> list[FreeStart]:
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(schedule.timezone))
    return free_starts(
        site=schedule,
        resources=resources or [ResourceSchedule(key=1)],
        busy=busy,
        job=job or Job(duration_minutes=60),
        window_start=start,
        window_end=start + timedelta(days=days),
        now=now,
    )


def hhmm(found: list[FreeStart]) -> list[str]:
    return [f"{s.start:%H:%M}" for s in found]


def test_starts_are_on_the_grid_from_the_opening_time_and_the_job_fits_before_closing() -> None:
    assert hhmm(starts(site(), job=Job(60))) == [
        "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00",
    ]  # fmt: skip


def test_the_grid_starts_at_each_interval_opening_not_at_midnight() -> None:
    hours = every_day((time(9, 10), time(10, 10)))
    assert hhmm(starts(site(hours, step=20), job=Job(20))) == ["09:10", "09:30", "09:50"]


def test_a_job_longer_than_the_opening_has_no_start() -> None:
    assert starts(site(), job=Job(240)) == []


def test_lunch_break_splits_the_day_and_no_job_spans_it() -> None:
    hours = every_day((time(9), time(12)), (time(13, 30), time(15)))
    found = hhmm(starts(site(hours, step=30), job=Job(90)))
    assert found == ["09:00", "09:30", "10:00", "10:30", "13:30"]


def test_touching_intervals_are_one_continuous_opening() -> None:
    hours = every_day((time(9), time(10)), (time(10), time(11)))
    assert hhmm(starts(site(hours, step=30), job=Job(120))) == ["09:00"]


def test_minimum_notice_hides_starts_too_soon() -> None:
    now = at(MONDAY, 8, 50)
    found = hhmm(starts(site(notice=120), job=Job(60), now=now))
    assert found == ["11:00"]  # 10:50 is not on the grid
    assert hhmm(starts(site(notice=70), job=Job(60), now=now)) == [
        "10:00", "10:15", "10:30", "10:45", "11:00",
    ]  # fmt: skip


def test_a_start_exactly_at_now_plus_notice_is_offered() -> None:
    assert hhmm(starts(site(notice=60), job=Job(60), now=at(MONDAY, 10)))[0] == "11:00"


def test_horizon_is_the_last_moment_a_start_may_be() -> None:
    now = at(MONDAY, 10, 20) - timedelta(days=1)
    found = hhmm(starts(site(horizon=1), job=Job(60), now=now))
    assert found == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"]


def test_busy_time_blocks_the_job_and_its_buffer() -> None:
    busy = [BusyInterval(1, at(MONDAY, 10, 30), at(MONDAY, 11))]
    no_buffer = hhmm(starts(site(), job=Job(30), busy=busy))
    assert no_buffer == ["09:00", "09:15", "09:30", "09:45", "10:00", "11:00", "11:15", "11:30"]
    with_buffer = hhmm(starts(site(), job=Job(30, buffer_after_minutes=15), busy=busy))
    # [t, t+30+15] must not overlap 10:30-11:00: 09:45 ends its buffer at 10:30 exactly.
    assert with_buffer == ["09:00", "09:15", "09:30", "09:45", "11:00", "11:15", "11:30"]


def test_the_buffer_may_run_past_closing_time() -> None:
    found = hhmm(starts(site(), job=Job(60, buffer_after_minutes=30)))
    assert found[-1] == "11:00"


def test_busy_time_of_another_resource_does_not_matter() -> None:
    busy = [BusyInterval(2, at(MONDAY, 9), at(MONDAY, 12))]
    assert len(starts(site(), job=Job(60), busy=busy)) == 9


def test_site_closure_blocks_every_resource_and_touching_is_fine() -> None:
    closure = Span(at(MONDAY, 10), at(MONDAY, 11))
    resources = [ResourceSchedule(key=1), ResourceSchedule(key=2)]
    found = starts(site(closures=[closure]), job=Job(30), resources=resources)
    assert hhmm(found) == ["09:00", "09:15", "09:30", "11:00", "11:15", "11:30"]
    assert all(s.resources == (1, 2) for s in found)


def test_resource_closure_blocks_only_that_resource() -> None:
    closure = Span(at(MONDAY, 9), at(MONDAY, 11))
    resources = [ResourceSchedule(key=1, closures=[closure]), ResourceSchedule(key=2)]
    found = starts(site(), job=Job(60), resources=resources)
    counts = {f"{s.start:%H:%M}": s.resources for s in found}
    assert counts["09:00"] == (2,)
    assert counts["11:00"] == (1, 2)


def test_a_closure_over_several_days_closes_them_all() -> None:
    closure = Span(at(MONDAY, 0), at(MONDAY + timedelta(days=2), 0))
    found = starts(site(closures=[closure]), days=3, job=Job(60))
    assert {s.start.date() for s in found} == {MONDAY + timedelta(days=2)}


def test_resource_own_hours_narrow_the_site_hours() -> None:
    own = {1: [WallInterval(time(10), time(14))]}  # Mondays only, later than the site
    resources = [ResourceSchedule(key=1, hours=own), ResourceSchedule(key=2)]
    found = starts(site(), days=2, job=Job(60), resources=resources)
    monday = {f"{s.start:%H:%M}": s.resources for s in found if s.start.date() == MONDAY}
    assert monday["09:00"] == (2,)
    assert monday["10:00"] == (1, 2)
    assert monday["11:00"] == (1, 2)
    # Tuesday is not in the resource's own hours: it does not work that day.
    assert all(s.resources == (2,) for s in found if s.start.date() != MONDAY)


def test_resource_own_hours_keep_the_site_grid() -> None:
    own = {1: [WallInterval(time(9, 5), time(12))]}
    found = hhmm(starts(site(step=15), job=Job(60), resources=[ResourceSchedule(1, hours=own)]))
    assert found[0] == "09:15"


def test_skills_and_active_flag_filter_resources() -> None:
    resources = [
        ResourceSchedule(key=1, skills=frozenset({"tyres"})),
        ResourceSchedule(key=2, skills=frozenset({"wash"})),
        ResourceSchedule(key=3, skills=frozenset({"tyres"}), active=False),
    ]
    found = starts(site(), job=Job(60, required_skill="tyres"), resources=resources)
    assert found
    assert all(s.resources == (1,) for s in found)
    anyone = starts(site(), job=Job(60), resources=resources)
    assert anyone[0].resources == (1, 2)


def test_no_compatible_resource_means_no_start() -> None:
    resources = [ResourceSchedule(key=1, skills=frozenset({"wash"}))]
    assert starts(site(), job=Job(60, required_skill="tyres"), resources=resources) == []


def test_closed_weekday_has_no_start() -> None:
    hours = {1: [WallInterval(time(9), time(12))]}
    found = starts(site(hours), days=7, job=Job(60))
    assert {s.start.isoweekday() for s in found} == {1}


def test_window_end_is_exclusive_and_start_inclusive() -> None:
    found = free_starts(
        site=site(),
        resources=[ResourceSchedule(1)],
        busy=[],
        job=Job(60),
        window_start=at(MONDAY, 9, 30),
        window_end=at(MONDAY, 10, 30),
        now=LONG_AGO,
    )
    assert hhmm(found) == ["09:30", "09:45", "10:00", "10:15"]


# Daylight saving, Europe/Paris: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00.
SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)
NIGHT = every_day((time(0), time(6)))


def test_spring_change_has_no_start_in_the_skipped_hour_and_a_shorter_night() -> None:
    found = starts(site(NIGHT, step=30), day=SPRING, job=Job(30))
    labels = [s.start.isoformat() for s in found]
    assert not any("T02:" in label for label in labels)
    assert labels[3:6] == [
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T03:30:00+02:00",
    ]
    # 00:00-06:00 is 5 real hours that night: 10 half-hour starts, the last at 05:30.
    assert len(found) == 10
    assert labels[-1] == "2026-03-29T05:30:00+02:00"


def test_autumn_change_offers_the_repeated_hour_twice_without_duplicates() -> None:
    found = starts(site(NIGHT, step=30), day=AUTUMN, job=Job(30))
    labels = [s.start.isoformat() for s in found]
    assert labels[4:8] == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00",
    ]
    instants = [s.start.astimezone(UTC) for s in found]
    assert len(set(instants)) == len(instants) == 14  # 7 real hours, no gap, no repeat
    assert all(b - a == timedelta(minutes=30) for a, b in itertools.pairwise(instants))


def test_a_job_crossing_the_changes_needs_its_real_length() -> None:
    # 01:00-04:00 local is 2 real hours in spring and 4 in autumn.
    hours = every_day((time(1), time(4)))
    spring = starts(site(hours, step=60), day=SPRING, job=Job(120))
    assert [s.start.isoformat() for s in spring] == ["2026-03-29T01:00:00+01:00"]
    autumn = starts(site(hours, step=60), day=AUTUMN, job=Job(180))
    assert [s.start.isoformat() for s in autumn] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
    ]


def test_an_opening_time_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    hours = every_day((time(2, 30), time(5)))
    found = starts(site(hours, step=30), day=SPRING, job=Job(30))
    assert found[0].start.isoformat() == "2026-03-29T03:00:00+02:00"


def test_daytime_hours_are_unchanged_on_change_days() -> None:
    for day in (SPRING, AUTUMN):
        found = starts(site(step=60), day=day, job=Job(60))
        assert hhmm(found) == ["09:00", "10:00", "11:00"]


def test_busy_intervals_given_in_utc_are_compared_as_instants() -> None:
    busy = [
        BusyInterval(
            1, datetime(2026, 6, 1, 8, 0, tzinfo=UTC), datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
        )
    ]
    found = hhmm(starts(site(step=60), job=Job(60), busy=busy))
    assert found == ["09:00", "11:00"]  # 10:00-11:00 Paris is 08:00-09:00 UTC


def test_a_job_fits_exactly_between_two_bookings() -> None:
    busy = [
        BusyInterval(1, at(MONDAY, 9), at(MONDAY, 10)),
        BusyInterval(1, at(MONDAY, 10, 30), at(MONDAY, 11)),
    ]
    assert hhmm(starts(site(), job=Job(30), busy=busy)) == ["10:00", "11:00", "11:15", "11:30"]
