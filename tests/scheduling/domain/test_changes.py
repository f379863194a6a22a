"""What a date exception removes from a day's opening, in real time: across a daylight-saving
change too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from scheduling.domain.changes import removed_by_resource_exception, removed_by_site_exception
from scheduling.domain.hours import WallInterval

PARIS = ZoneInfo("Europe/Paris")
SPRING = date(2027, 3, 28)  # a Sunday: 02:00 CET becomes 03:00 CEST
WEEK = {7: [WallInterval(time(1), time(5))], 1: [WallInterval(time(8), time(18))]}


def _utc(seconds: list[tuple[int, int]]) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC)) for s, e in seconds]


def test_shorter_hours_on_the_spring_change_remove_two_real_hours() -> None:
    removed = removed_by_site_exception(
        day=SPRING,
        kind="hours",
        intervals=[WallInterval(time(1), time(2))],
        tz=PARIS,
        week=WEEK,
        dates={},
    )
    # 02:00-05:00 on the wall clock that day is 01:00-03:00 UTC: two hours, not three.
    assert _utc(removed) == [
        (datetime(2027, 3, 28, 1, tzinfo=UTC), datetime(2027, 3, 28, 3, tzinfo=UTC))
    ]


def test_closing_a_public_holiday_already_closed_removes_nothing() -> None:
    removed = removed_by_site_exception(
        day=SPRING, kind="closed", intervals=[], tz=PARIS, week=WEEK, dates={SPRING: ()}
    )
    assert removed == []


def test_opening_a_holiday_as_usual_removes_nothing_but_closing_it_again_does() -> None:
    opened = removed_by_site_exception(
        day=SPRING, kind="regular", intervals=[], tz=PARIS, week=WEEK, dates={SPRING: ()}
    )
    assert opened == []
    closed = removed_by_site_exception(
        day=SPRING, kind="closed", intervals=[], tz=PARIS, week=WEEK, dates={}
    )
    assert len(closed) == 1


def test_a_resource_loses_only_what_it_worked_within_its_sites_hours() -> None:
    monday = date(2027, 3, 29)
    removed = removed_by_resource_exception(
        day=monday,
        kind="hours",
        intervals=[WallInterval(time(6), time(10))],  # before the site opens: no gain
        tz=PARIS,
        site_hours=WEEK,
        own_week={1: [WallInterval(time(9), time(12))]},
        own_dates={},
    )
    # It worked 09:00-12:00; with the exception it works 08:00-10:00 within the site: 10-12 lost.
    assert _utc(removed) == [
        (datetime(2027, 3, 29, 8, tzinfo=UTC), datetime(2027, 3, 29, 10, tzinfo=UTC))
    ]


def test_taking_away_the_exception_that_opened_a_holiday_closes_it_again() -> None:
    opened = {SPRING: tuple(WEEK[7])}  # the holiday opened as usual: its date answered so
    removed = removed_by_site_exception(
        day=SPRING, kind="", intervals=[], tz=PARIS, week=WEEK, dates=opened, holiday=True
    )
    assert len(removed) == 1
    assert (
        removed_by_site_exception(
            day=SPRING, kind="", intervals=[], tz=PARIS, week=WEEK, dates=opened, holiday=False
        )
        == []
    )
