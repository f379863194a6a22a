"""Opening-hour validation, the query window, distances, parts of day and the assignment rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from scheduling.domain.assignment import booked_seconds, pick_resource
from scheduling.domain.geo import GeoPoint, GreatCircle
from scheduling.domain.hours import (
    BAD_WEEKDAY,
    NOT_BEFORE,
    NOT_WHOLE_MINUTE,
    OVERLAP,
    WallInterval,
    day_hours_problems,
    week_problems,
)
from scheduling.domain.preferences import matches, part_of_day
from scheduling.domain.window import (
    BEFORE_FROM,
    INVALID,
    NAIVE,
    OUT_OF_RANGE,
    TOO_LONG,
    WindowError,
    parse_moment,
    resolve_window,
)

PARIS = ZoneInfo("Europe/Paris")


def w(a: str, b: str) -> WallInterval:
    return WallInterval(time.fromisoformat(a), time.fromisoformat(b))


def test_valid_day_with_lunch_break_and_touching_intervals() -> None:
    assert day_hours_problems([w("13:30", "18:00"), w("08:00", "12:00")]) == []
    assert day_hours_problems([w("08:00", "12:00"), w("12:00", "18:00")]) == []


def test_overlap_overnight_and_seconds_are_refused() -> None:
    assert day_hours_problems([w("08:00", "12:00"), w("11:00", "14:00")]) == [(1, OVERLAP)]
    assert day_hours_problems([w("22:00", "02:00")]) == [(0, NOT_BEFORE)]
    assert day_hours_problems([w("10:00", "10:00")]) == [(0, NOT_BEFORE)]
    assert day_hours_problems([w("08:00:30", "12:00")]) == [(0, NOT_WHOLE_MINUTE)]


def test_dates_cover_whole_local_days_and_to_is_inclusive() -> None:
    window = resolve_window(date(2026, 3, 28), date(2026, 3, 29), PARIS)
    assert window.start.isoformat() == "2026-03-28T00:00:00+01:00"
    assert window.end.isoformat() == "2026-03-30T00:00:00+02:00"


def test_aware_datetimes_are_kept_and_shown_on_the_site_clock() -> None:
    start = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
    window = resolve_window(start, start + timedelta(hours=5), PARIS)
    assert window.start.isoformat() == "2026-06-01T08:00:00+02:00"


def test_range_limits() -> None:
    resolve_window(date(2026, 3, 1), date(2026, 3, 31), PARIS)  # 31 days, across a change
    with pytest.raises(WindowError) as too_long:
        resolve_window(date(2026, 3, 1), date(2026, 4, 1), PARIS)
    assert (too_long.value.field, too_long.value.code) == ("to", TOO_LONG)
    with pytest.raises(WindowError) as backwards:
        resolve_window(date(2026, 3, 2), date(2026, 3, 1), PARIS)
    assert backwards.value.code == BEFORE_FROM
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with pytest.raises(WindowError):
        resolve_window(moment, moment, PARIS)


def test_parse_moment() -> None:
    assert parse_moment("from", "2026-03-02") == date(2026, 3, 2)
    parsed = parse_moment("from", "2026-03-02T08:00:00+01:00")
    assert parsed == datetime(2026, 3, 2, 7, tzinfo=UTC)
    assert parse_moment("from", "2026-03-02T08:00:00Z") == datetime(2026, 3, 2, 8, tzinfo=UTC)
    # An unencoded "+" reaches us as a space.
    assert parse_moment("from", "2026-03-02T08:00:00 01:00") == parsed
    for raw, code in [
        ("2026-03-02T08:00:00", NAIVE),
        ("2026-02-30", INVALID),
        ("tomorrow", INVALID),
        ("", INVALID),
        ("0001-01-01", OUT_OF_RANGE),
        ("9999-12-31T23:00:00-12:00", OUT_OF_RANGE),
    ]:
        with pytest.raises(WindowError) as error:
            parse_moment("from", raw)
        assert (error.value.field, error.value.code) == ("from", code)


def test_great_circle_paris_lyon() -> None:
    paris, lyon = GeoPoint(48.8566, 2.3522), GeoPoint(45.7640, 4.8357)
    assert GreatCircle().km(paris, lyon) == pytest.approx(392, abs=2)
    assert GreatCircle().km(paris, paris) == 0


def test_parts_of_day_boundaries() -> None:
    day = date(2026, 6, 1)

    def local(hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), tzinfo=PARIS)

    assert part_of_day(local(11, 59)) == "morning"
    assert part_of_day(local(12)) == "afternoon"
    assert part_of_day(local(16, 59)) == "afternoon"
    assert part_of_day(local(17)) == "evening"
    assert matches(local(9), parts={"morning"}, weekdays={1})
    assert not matches(local(9), weekdays={2, 3})
    assert matches(local(18))


def test_assignment_prefers_the_least_booked_then_the_name() -> None:
    day_start = datetime(2026, 6, 1, tzinfo=timezone(timedelta(hours=2)))
    day_end = day_start + timedelta(days=1)
    busy = [
        (1, day_start + timedelta(hours=9), day_start + timedelta(hours=10)),
        (2, day_start + timedelta(hours=9), day_start + timedelta(hours=9, minutes=30)),
        (2, day_start - timedelta(hours=5), day_start + timedelta(minutes=10)),  # 10 min today
    ]
    booked = booked_seconds(busy, day_start, day_end)
    assert booked == {1: 3600.0, 2: 2400.0}
    assert pick_resource([(1, "Bay A"), (2, "Bay B"), (3, "Bay C")], booked) == 3
    assert pick_resource([(1, "Bay B"), (2, "Bay A")], {}) == 2
    assert pick_resource([(1, "Bay A"), (2, "Bay B")], booked) == 2


def test_a_week_reports_each_broken_day_once_per_rule() -> None:
    week = {
        1: [w("08:00", "12:00"), w("11:00", "14:00"), w("13:00", "15:00")],
        2: [w("08:00", "12:00")],
        3: [w("12:00", "08:00"), w("09:00:30", "10:00")],
        8: [w("08:00", "12:00")],
    }
    assert week_problems(week) == {
        1: [OVERLAP],
        3: sorted([NOT_BEFORE, NOT_WHOLE_MINUTE]),
        8: [BAD_WEEKDAY],
    }
