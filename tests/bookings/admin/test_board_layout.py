"""The planning board's layout as a pure presenter (bookings.admin.board): a site's day, its
bookings and now in, rows and blocks out. No request, no database: the page's own tests
(test_planning_board.py) cover the HTTP side."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bookings.admin.board import lay_out
from bookings.models import Booking
from scheduling.domain.siteday import ClosedSpan, ResourceDay, SiteDay, TimeSpan
from scheduling.domain.values import ResourceInfo, SitePolicy

PARIS = ZoneInfo("Europe/Paris")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _resource(
    pk: int, name: str, spans: tuple[TimeSpan, ...], *, active: bool = True
) -> ResourceDay:
    info = ResourceInfo(pk, uuid.uuid4(), name, "bay", 1, None)
    return ResourceDay(info=info, active=active, open_spans=spans, closures=())


def _site_day(day: date, resources: tuple[ResourceDay, ...], **fields: object) -> SiteDay:
    policy = SitePolicy(1, uuid.uuid4(), "Lyon", "Europe/Paris", 15, 60, 60, False, 120)
    spans = (TimeSpan(_at(day, 8), _at(day, 12)), TimeSpan(_at(day, 14), _at(day, 18)))
    values: dict[str, object] = {
        "policy": policy,
        "day": day,
        "start": _at(day, 0),
        "end": _at(day + timedelta(days=1), 0),
        "open_spans": spans,
        "closures": (),
        "resources": resources,
    }
    values.update(fields)
    return SiteDay(**values)  # type: ignore[arg-type]


def _booking(pk: int, resource_pk: int, start: datetime, minutes: int, **fields: object) -> Booking:
    end = start + timedelta(minutes=minutes)
    values: dict[str, object] = {
        "pk": pk,
        "reference": f"BK-{pk:06d}",
        "resource_id": resource_pk,
        "site_id": 1,
        "start": start,
        "end": end,
        "blocked_until": end,
        "state": "confirmed",
        "vehicle_plate": "AB123CD",
        "service_name": "Oil change",
    }
    values.update(fields)
    return Booking(**values)


DAY = date(2026, 6, 10)
SPANS = (TimeSpan(_at(DAY, 8), _at(DAY, 12)), TimeSpan(_at(DAY, 14), _at(DAY, 18)))


def test_the_scale_runs_from_the_first_opening_to_the_last_closing_in_whole_hours() -> None:
    board = lay_out(_site_day(DAY, (_resource(1, "Bay 1", SPANS),)), [], _at(DAY, 9))
    assert [tick.label for tick in board.ticks] == [f"{h:02d}:00" for h in range(8, 19)]
    assert board.ticks[0].left == "0.000"
    assert board.ticks[-1].left == "100.000"


def test_a_block_spans_its_real_duration_with_its_buffer_coloured_by_state() -> None:
    booking = _booking(7, 1, _at(DAY, 9), 60, blocked_until=_at(DAY, 10, 30), state="in_progress")
    board = lay_out(
        _site_day(DAY, (_resource(1, "Bay 1", SPANS),)),
        [booking],
        _at(DAY, 9),
        link=lambda b: f"/change/{b.pk}/",
    )
    (row,) = board.rows
    (block,) = row.blocks
    assert (block.left, block.width) == ("10.000", "10.000")  # 09:00-10:00 on 08:00-18:00
    assert (block.buffer_left, block.buffer_width) == ("20.000", "5.000")
    assert (block.starts, block.ends, block.plate) == ("09:00", "10:00", "AB-123-CD")
    assert block.colour == "#6b46c1"
    assert block.state_label == "in progress"
    assert block.url == "/change/7/"
    assert block.actions == ()
    assert [(s.kind, s.left, s.width) for s in row.shades] == [("closed", "40.000", "20.000")]


def test_overlapping_bookings_sit_in_lanes_and_the_row_grows() -> None:
    first = _booking(1, 1, _at(DAY, 9), 60, state="no_show")
    second = _booking(2, 1, _at(DAY, 9, 30), 60)
    later = _booking(3, 1, _at(DAY, 11), 30)
    board = lay_out(
        _site_day(DAY, (_resource(1, "Bay 1", SPANS),)), [first, second, later], _at(DAY, 8)
    )
    (row,) = board.rows
    assert [block.top for block in row.blocks] == ["0.0", "4.0", "0.0"]
    assert row.height == "8.0"
    assert [block.booking.pk for block in board.agenda] == [1, 2, 3]


def test_an_inactive_resource_shows_only_when_it_still_holds_bookings() -> None:
    resources = (_resource(1, "Bay 1", SPANS), _resource(2, "Bay 2", (), active=False))
    empty = lay_out(_site_day(DAY, resources), [], _at(DAY, 8))
    assert [row.name for row in empty.rows] == ["Bay 1"]
    held = lay_out(_site_day(DAY, resources), [_booking(1, 2, _at(DAY, 9), 30)], _at(DAY, 8))
    assert [row.name for row in held.rows] == ["Bay 1", "Bay 2"]
    assert [shade.kind for shade in held.rows[1].shades] == ["inactive"]


def test_now_is_shown_only_on_today_within_the_scale() -> None:
    site_day = _site_day(DAY, (_resource(1, "Bay 1", SPANS),))
    today = lay_out(site_day, [], _at(DAY, 13))
    assert today.is_today
    assert today.now_left == "50.000"
    assert today.now_label == "13:00"
    assert lay_out(site_day, [], _at(DAY, 19)).now_left is None
    other_day = lay_out(site_day, [], _at(DAY + timedelta(days=1), 13))
    assert not other_day.is_today
    assert other_day.now_left is None


def test_a_site_closure_shades_every_row_and_is_listed_on_the_sites_clock() -> None:
    closure = ClosedSpan(_at(DAY, 16), _at(DAY + timedelta(days=2), 12), "Inventory")
    board = lay_out(
        _site_day(DAY, (_resource(1, "Bay 1", SPANS),), closures=(closure,)), [], _at(DAY, 8)
    )
    assert ("closure", "80.000", "20.000") in [
        (s.kind, s.left, s.width) for s in board.rows[0].shades
    ]
    assert board.site_closures == (("16:00", "2026-06-12 12:00", "Inventory"),)


def test_a_day_without_any_opening_shows_a_working_days_frame() -> None:
    board = lay_out(_site_day(DAY, (), open_spans=()), [], _at(DAY, 8))
    assert board.closed_all_day
    assert (board.ticks[0].label, board.ticks[-1].label) == ("08:00", "18:00")


def test_on_the_spring_change_the_scale_has_the_hours_the_clock_really_shows() -> None:
    spring = date(2026, 3, 29)
    spans = (TimeSpan(_at(spring, 0, 0), _at(spring, 5)),)
    board = lay_out(
        _site_day(spring, (_resource(1, "Bay 1", spans),), open_spans=spans), [], _at(spring, 9)
    )
    assert [tick.label for tick in board.ticks] == ["00:00", "01:00", "03:00", "04:00", "05:00"]


def test_the_cells_are_the_engines_grid_from_each_opening() -> None:
    """With a 45-minute step, the afternoon's cells start at its opening (13:30, 14:15, ...), as
    the engine's grid does; outside the hours the scale is cut from its whole hour."""
    policy = SitePolicy(1, uuid.uuid4(), "Lyon", "Europe/Paris", 45, 60, 60, False, 120)
    spans = (TimeSpan(_at(DAY, 8), _at(DAY, 12)), TimeSpan(_at(DAY, 13, 30), _at(DAY, 18)))
    site_day = _site_day(DAY, (_resource(1, "Bay 1", spans),), open_spans=spans, policy=policy)
    (row,) = lay_out(site_day, [], _at(DAY, 8)).rows
    assert [cell.label for cell in row.cells] == [
        *("08:00", "08:45", "09:30", "10:15", "11:00", "11:45"),  # the last one ends at 12:00
        *("12:00", "12:30", "13:15"),  # closed: the whole-hour cut, up to the opening
        *("13:30", "14:15", "15:00", "15:45", "16:30", "17:15"),
    ]
    assert row.cells[10].start == _at(DAY, 14, 15).isoformat()
    # The cells tile the scale without a gap or an overlap.
    edges = [(float(c.left), float(c.left) + float(c.width)) for c in row.cells]
    assert edges[0][0] == 0
    assert round(edges[-1][1], 3) == 100
    assert all(abs(a[1] - b[0]) < 0.002 for a, b in pairwise(edges))


def test_on_the_autumn_change_the_cells_step_in_real_time_from_the_opening() -> None:
    autumn = date(2026, 10, 25)  # 03:00 CEST is 02:00 CET: the clock shows 02:00-03:00 twice
    policy = SitePolicy(1, uuid.uuid4(), "Lyon", "Europe/Paris", 45, 60, 60, False, 120)
    spans = (TimeSpan(_at(autumn, 1, 30), _at(autumn, 5)),)
    site_day = _site_day(autumn, (_resource(1, "Bay 1", spans),), open_spans=spans, policy=policy)
    (row,) = lay_out(site_day, [], _at(autumn, 9)).rows
    opening = _at(autumn, 1, 30)
    on_grid = [c.start for c in row.cells if datetime.fromisoformat(c.start) >= opening]
    assert on_grid == [
        (opening.astimezone(UTC) + timedelta(minutes=45 * k)).astimezone(PARIS).isoformat()
        for k in range(6)
    ]
    assert [c.label for c in row.cells][-6:] == [
        "01:30",
        "02:15",
        "02:00",
        "02:45",
        "03:30",
        "04:15",
    ]
