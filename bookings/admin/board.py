"""The planning board's layout (SPEC §8 "Planning"), a pure presenter: a site's day (its hours,
resources and closures), its bookings and now in, the board out: the scale and its hour ticks,
one row per resource with its shades (closed, closure, inactive) and its bookings as blocks, each
spanning its real duration, coloured by state, in lanes when they overlap; the agenda; where now
is. No request, no query: tests/bookings/admin/test_board_layout.py lays boards out directly.

Everything is placed in real time (epoch seconds) from the first shown hour: on a daylight-saving
day the scale has the hours the clock really shows (02:00 is skipped in spring, repeated in
autumn), and a block has its true length. Rules: docs/rules/bookings.md, "Planning board"."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from bookings.admin.presentation import Button, state_colour, state_label
from bookings.domain.dashboard import BOOKED_STATES
from bookings.domain.states import State
from bookings.models import Booking
from scheduling import public as scheduling
from vehicles import public as vehicles

# Bookings that hold or held the resource's time (the dashboard's booked time too). Cancelled and
# expired ones gave it back: showing them would hide the real day under noise.
SHOWN_STATES = tuple(state.value for state in State if state in BOOKED_STATES)
# A day with no opening at all (a Sunday, a holiday) still shows a working day's frame.
DEFAULT_HOURS = (time(8), time(18))
LANE_HEIGHT_EM = 4.0


@dataclass(frozen=True)
class Tick:
    left: str  # percent of the scale, "12.500"
    label: str  # local wall-clock time, "08:00"


@dataclass(frozen=True)
class Shade:
    left: str
    width: str
    kind: str  # "closed" (outside opening hours), "closure", "inactive"
    label: str


@dataclass(frozen=True)
class Block:
    booking: Booking
    left: str
    width: str
    buffer_left: str
    buffer_width: str  # "" when the service has no buffer
    top: str
    colour: str
    state_label: str
    starts: str  # local "HH:MM"
    ends: str
    plate: str
    resource: str
    url: str
    actions: tuple[Button, ...] = ()
    move_url: str = ""  # where a move of it posts ("" when the user may not move it)

    @property
    def title(self) -> str:
        return _("%(reference)s, %(state)s: %(start)s–%(end)s, %(plate)s, %(service)s") % {
            "reference": self.booking.reference,
            "state": self.state_label,
            "start": self.starts,
            "end": self.ends,
            "plate": self.plate,
            "service": self.booking.service_name,
        }


@dataclass(frozen=True)
class Cell:
    """One step of the site's grid on a resource's row: where an empty cell explains itself and
    where a dragged block lands."""

    left: str
    width: str
    start: str  # ISO 8601 on the site's clock, with its offset
    label: str  # "10:15"


@dataclass(frozen=True)
class Row:
    name: str
    kind: str
    active: bool
    shades: tuple[Shade, ...]
    blocks: tuple[Block, ...]
    height: str
    pk: int = 0
    cells: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Scale:
    """The shown period [start, end) in epoch seconds: whole local hours."""

    start: int
    end: int

    def left(self, moment: int) -> float:
        return (min(max(moment, self.start), self.end) - self.start) * 100 / (self.end - self.start)

    def place(self, start: int, end: int) -> tuple[str, str]:
        left = self.left(start)
        return _pct(left), _pct(self.left(end) - left)


def _pct(value: float) -> str:
    # Formatted here, never by the template: a French locale would write "12,5" and break the CSS.
    return f"{value:.3f}"


def _ts(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _floor_hour(ts: int, tz: ZoneInfo) -> int:
    local = datetime.fromtimestamp(ts, tz)
    return ts - local.minute * 60 - local.second


def _ceil_hour(ts: int, tz: ZoneInfo) -> int:
    floored = _floor_hour(ts, tz)
    return floored if floored == ts else floored + 3600


def scale_for(day: scheduling.SiteDay, bookings: list[Booking]) -> Scale:
    """From the earliest opening to the latest closing of the day (bookings outside the hours
    widen it), to whole hours, within the day."""
    tz = ZoneInfo(day.policy.timezone)
    day_start, day_end = _ts(day.start), _ts(day.end)
    spans = [(_ts(s.start), _ts(s.end)) for s in day.open_spans]
    spans += [(_ts(s.start), _ts(s.end)) for r in day.resources for s in r.open_spans]
    spans += [(_ts(b.start), math.ceil(b.blocked_until.timestamp())) for b in bookings]
    spans = [(max(s, day_start), min(e, day_end)) for s, e in spans]
    spans = [(s, e) for s, e in spans if s < e]
    if not spans:
        opens, closes = (datetime.combine(day.day, moment, tzinfo=tz) for moment in DEFAULT_HOURS)
        spans = [(_ts(opens), _ts(closes))]
    start = max(_floor_hour(min(s for s, _e in spans), tz), day_start)
    end = min(_ceil_hour(max(e for _s, e in spans), tz), day_end)
    return Scale(start, end)


def ticks_for(scale: Scale, tz: ZoneInfo) -> list[Tick]:
    """One tick per real hour, labelled with what the site's clock shows then."""
    return [
        Tick(_pct(scale.left(ts)), f"{datetime.fromtimestamp(ts, tz):%H:%M}")
        for ts in range(scale.start, scale.end + 1, 3600)
    ]


def _closed_shades(scale: Scale, spans: tuple[scheduling.TimeSpan, ...]) -> list[Shade]:
    """The parts of the scale outside `spans` (the resource's opening)."""
    shades: list[Shade] = []
    cursor = scale.start
    label = _("Closed")
    for span in spans:
        start, end = _ts(span.start), _ts(span.end)
        if start > cursor:
            shades.append(Shade(*scale.place(cursor, min(start, scale.end)), "closed", label))
        cursor = max(cursor, end)
    if cursor < scale.end:
        shades.append(Shade(*scale.place(cursor, scale.end), "closed", label))
    return [s for s in shades if float(s.width) > 0]


def _closure_shades(
    scale: Scale, closures: tuple[scheduling.ClosedSpan, ...], tz: ZoneInfo
) -> list[Shade]:
    shades = []
    for closure in closures:
        start, end = _ts(closure.start), math.ceil(closure.end.timestamp())
        if end <= scale.start or start >= scale.end:
            continue
        label = _("Closure: %(reason)s") % {"reason": closure.reason} if closure.reason else ""
        shades.append(Shade(*scale.place(start, end), "closure", label or _("Closure")))
    return shades


def _lanes(blocks: list[tuple[int, int, Booking]]) -> list[int]:
    """A lane per block so that blocks that overlap (a no-show and the booking that took its
    place) sit one under the other instead of hiding each other."""
    ends: list[int] = []
    lanes = []
    for start, end, _booking in blocks:
        lane = next((i for i, last in enumerate(ends) if last <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        lanes.append(lane)
    return lanes


def cells_for(
    scale: Scale, step_minutes: int, tz: ZoneInfo, spans: tuple[scheduling.TimeSpan, ...] = ()
) -> tuple[Cell, ...]:
    """The site's grid on the scale: within each opening interval (`spans`) every `step_minutes`
    of real time from its start, as the engine offers starts (scheduling.domain.engine); outside
    the hours every step from the scale's first (whole) hour, from where the opening ended."""
    step = max(step_minutes, 1) * 60
    cuts: list[tuple[int, int]] = []  # (start, end) of each cell
    cursor = scale.start

    def grid(origin: int, low: int, high: int) -> None:
        """Cells on origin + k*step over [low, high), a part-cell first when low is off it."""
        if low >= high:
            return
        first = origin + -((origin - low) // step) * step
        points = ([low] if first > low else []) + list(range(first, high, step))
        cuts.extend(zip(points, [*points[1:], high], strict=True))

    for span in sorted(spans, key=lambda span: span.start):
        origin, high = _ts(span.start), min(_ts(span.end), scale.end)
        low = max(origin, cursor)
        if high <= low:
            continue
        grid(scale.start, cursor, low)  # closed before it
        grid(origin, low, high)
        cursor = high
    grid(scale.start, cursor, scale.end)
    return tuple(
        Cell(
            *scale.place(ts, end),
            start=datetime.fromtimestamp(ts, tz).isoformat(),
            label=f"{datetime.fromtimestamp(ts, tz):%H:%M}",
        )
        for ts, end in cuts
    )


def _hhmm(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%H:%M}"


def _when(moment: datetime, tz: ZoneInfo, day: date) -> str:
    """The time alone on the board's day, with its date on another day (a week's closure)."""
    local = moment.astimezone(tz)
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def build_rows(
    day: scheduling.SiteDay,
    scale: Scale,
    bookings: list[Booking],
    *,
    link: Callable[[Booking], str],
    actions: Callable[[Booking], list[Button]],
    move: Callable[[Booking], str] = lambda booking: "",
) -> list[Row]:
    tz = ZoneInfo(day.policy.timezone)
    cells = cells_for(scale, day.policy.slot_step_minutes, tz, day.open_spans)
    by_resource: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_resource.setdefault(booking.resource_id, []).append(booking)
    site_closures = _closure_shades(scale, day.closures, tz)
    rows = []
    for resource in day.resources:
        own = by_resource.get(resource.info.pk, [])
        if not resource.active and not own:
            continue  # an inactive resource is shown only for the bookings it still holds
        if resource.active:
            shades = _closed_shades(scale, resource.open_spans)
        else:
            shades = [Shade(*scale.place(scale.start, scale.end), "inactive", _("Inactive"))]
        shades += site_closures + _closure_shades(scale, resource.closures, tz)
        spans = [(_ts(b.start), math.ceil(b.blocked_until.timestamp()), b) for b in own]
        lanes = _lanes(spans)
        blocks = []
        for (start, blocked_end, booking), lane in zip(spans, lanes, strict=True):
            end = math.ceil(booking.end.timestamp())
            left, width = scale.place(start, end)
            buffer_left, buffer_width = scale.place(end, blocked_end)
            blocks.append(
                Block(
                    booking=booking,
                    left=left,
                    width=width,
                    buffer_left=buffer_left,
                    buffer_width=buffer_width if blocked_end > end else "",
                    top=f"{lane * LANE_HEIGHT_EM:.1f}",
                    colour=state_colour(booking.state),
                    state_label=state_label(booking.state),
                    starts=_hhmm(booking.start, tz),
                    ends=_hhmm(booking.end, tz),
                    plate=vehicles.display_plate(booking.vehicle_plate),
                    resource=resource.info.name,
                    url=link(booking),
                    actions=tuple(actions(booking)),
                    move_url=move(booking),
                )
            )
        rows.append(
            Row(
                name=resource.info.name,
                kind=resource.info.kind,
                active=resource.active,
                shades=tuple(shades),
                blocks=tuple(blocks),
                height=f"{max(1, len(set(lanes))) * LANE_HEIGHT_EM:.1f}",
                pk=resource.info.pk,
                cells=cells if resource.active else (),
            )
        )
    return rows


@dataclass(frozen=True)
class Board:
    """One site's day as the planning page shows it."""

    day: date
    today: date  # on the site's clock
    timezone: str
    ticks: tuple[Tick, ...]
    rows: tuple[Row, ...]
    agenda: tuple[Block, ...]  # every block, by start
    now_left: str | None  # where the "now" line is, when now is on the shown scale
    now_label: str
    closed_all_day: bool
    holiday: str  # the public holiday's name, "" on an ordinary day
    exception: str  # the site's date exception that day: its kind, "" for none
    exception_reason: str
    site_closures: tuple[tuple[str, str, str], ...]  # (start, end, reason) on the site's clock
    legend: tuple[tuple[str, str, str], ...]  # (state, label, colour)

    @property
    def is_today(self) -> bool:
        return self.day == self.today


def lay_out(
    day: scheduling.SiteDay,
    bookings: list[Booking],
    now: datetime,
    *,
    link: Callable[[Booking], str] = lambda booking: "",
    actions: Callable[[Booking], list[Button]] = lambda booking: [],
    move: Callable[[Booking], str] = lambda booking: "",
) -> Board:
    """The board of `day` with its `bookings` (those of SHOWN_STATES) at `now`. `link`,
    `actions` and `move` give a block its change page, its quick actions and where its move
    posts (the view's say)."""
    tz = ZoneInfo(day.policy.timezone)
    today = now.astimezone(tz).date()
    scale = scale_for(day, bookings)
    rows = build_rows(day, scale, bookings, link=link, actions=actions, move=move)
    now_ts = _ts(now)
    show_now = day.day == today and scale.start <= now_ts < scale.end
    agenda = sorted(
        (block for row in rows for block in row.blocks),
        key=lambda block: (block.booking.start, block.resource, block.booking.pk),
    )
    return Board(
        day=day.day,
        today=today,
        timezone=day.policy.timezone,
        ticks=tuple(ticks_for(scale, tz)),
        rows=tuple(rows),
        agenda=tuple(agenda),
        now_left=_pct(scale.left(now_ts)) if show_now else None,
        now_label=_hhmm(now, tz),
        closed_all_day=not day.open_spans,
        holiday=day.holiday,
        exception=day.exception,
        exception_reason=day.exception_reason,
        site_closures=tuple(
            (_when(c.start, tz, day.day), _when(c.end, tz, day.day), c.reason) for c in day.closures
        ),
        legend=tuple((state, state_label(state), state_colour(state)) for state in SHOWN_STATES),
    )
