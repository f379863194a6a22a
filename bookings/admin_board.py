"""The planning board (SPEC §8 "Planning"): for one site and one local day, its resources as rows
and the opening hours as columns, each booking a block spanning its real duration, coloured by
state and linking to its change page, with the quick actions the state machine allows.

Everything is placed in real time (epoch seconds) from the first shown hour: on a daylight-saving
day the scale has the hours the clock really shows (02:00 is skipped in spring, repeated in
autumn), and a block has its true length. Rules: docs/rules/bookings.md, "Planning board".

Queries: the sites, the site's day (hours, resources, closures), the bookings; the rest is the
admin's session and permissions. None of them depends on the number of bookings or resources."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings import admin_reschedule, admin_transitions, selectors
from bookings.admin_presentation import state_colour
from bookings.admin_transitions import Button
from bookings.domain.dashboard import BOOKED_STATES
from bookings.domain.states import State
from bookings.models import Booking
from core.clock import resolve_now
from scheduling import public as scheduling
from vehicles import public as vehicles

if TYPE_CHECKING:
    from bookings.admin import BookingAdmin

# Bookings that hold or held the resource's time (the dashboard's booked time too). Cancelled and
# expired ones gave it back: showing them would hide the real day under noise.
SHOWN_STATES = tuple(state.value for state in State if state in BOOKED_STATES)
# A day with no opening at all (a Sunday, a holiday) still shows a working day's frame.
DEFAULT_HOURS = (time(8), time(18))
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(2999, 12, 30)
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


@dataclass
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
    actions: list[Button] = field(default_factory=list)

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


@dataclass
class Row:
    name: str
    kind: str
    active: bool
    shades: list[Shade]
    blocks: list[Block]
    height: str


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


def _hhmm(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%H:%M}"


def _when(moment: datetime, tz: ZoneInfo, day: date) -> str:
    """The time alone on the board's day, with its date on another day (a week's closure)."""
    local = moment.astimezone(tz)
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def build_rows(
    model_admin: BookingAdmin,
    request: HttpRequest,
    day: scheduling.SiteDay,
    scale: Scale,
    bookings: list[Booking],
) -> list[Row]:
    tz = ZoneInfo(day.policy.timezone)
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
                    state_label=str(Booking.StateChoices(booking.state).label),
                    starts=_hhmm(booking.start, tz),
                    ends=_hhmm(booking.end, tz),
                    plate=vehicles.display_plate(booking.vehicle_plate),
                    resource=resource.info.name,
                    url=model_admin.change_url(booking.pk),
                    actions=quick_actions(model_admin, request, booking),
                )
            )
        rows.append(
            Row(
                name=resource.info.name,
                kind=resource.info.kind,
                active=resource.active,
                shades=shades,
                blocks=blocks,
                height=f"{max(1, len(set(lanes))) * LANE_HEIGHT_EM:.1f}",
            )
        )
    return rows


def quick_actions(
    model_admin: BookingAdmin, request: HttpRequest, booking: Booking
) -> list[Button]:
    """The change page's buttons (what the state machine allows an operator now), reschedule
    included."""
    shown = admin_transitions.buttons(model_admin, request, booking)
    reschedule = admin_reschedule.reschedule_button(model_admin, request, booking)
    return [*shown, reschedule] if reschedule else shown


def board_url(model_admin: BookingAdmin, *, site_pk: int, day: date) -> str:
    opts = model_admin.opts
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_planning",
        current_app=model_admin.admin_site.name,
    )
    return f"{url}?{urlencode({'site': site_pk, 'day': day.isoformat()})}"


def board_url_of(model_admin: BookingAdmin, booking: Booking) -> str:
    """The board of the booking's site and local day."""
    timezone = getattr(booking, "site_timezone", None) or booking.site.timezone
    day = booking.start.astimezone(ZoneInfo(timezone)).date()
    return board_url(model_admin, site_pk=booking.site_id, day=day)


def _chosen_site(
    request: HttpRequest, sites: list[scheduling.SitePolicy]
) -> scheduling.SitePolicy | None:
    raw = request.GET.get("site", "").strip()
    if raw:
        found = next((site for site in sites if str(site.pk) == raw), None)
        if found is not None:
            return found
        messages.error(request, _("No site has this id: showing the first site."))
    return sites[0] if sites else None


def _chosen_day(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("day", "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Enter a date as YYYY-MM-DD: showing today."))
        return today
    if not FIRST_DAY <= day <= LAST_DAY:
        messages.error(request, _("This date is out of range: showing today."))
        return today
    return day


def board_view(model_admin: BookingAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    sites = scheduling.site_policies()
    site = _chosen_site(request, sites)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("Planning board"),
        "opts": model_admin.opts,
        "sites": sites,
        "site": site,
    }
    if site is None:
        return TemplateResponse(request, "admin/bookings/booking/planning.html", context)
    tz = ZoneInfo(site.timezone)
    now = resolve_now(None)
    today = now.astimezone(tz).date()
    day = _chosen_day(request, today)
    site_day = scheduling.site_day(site_pk=site.pk, day=day)
    bookings = selectors.bookings_on_board(
        model_admin.get_queryset(request),
        site_pk=site.pk,
        start=site_day.start,
        end=site_day.end,
        states=SHOWN_STATES,
    )
    scale = scale_for(site_day, bookings)
    rows = build_rows(model_admin, request, site_day, scale, bookings)
    now_ts = _ts(now)
    show_now = day == today and scale.start <= now_ts < scale.end
    here = board_url(model_admin, site_pk=site.pk, day=day)
    agenda = sorted(
        (block for row in rows for block in row.blocks),
        key=lambda block: (block.booking.start, block.resource, block.booking.pk),
    )
    context.update(
        {
            "title": _("Planning board: %(site)s, %(day)s")
            % {"site": site.name, "day": day.isoformat()},
            "day": day,
            "is_today": day == today,
            "timezone": site.timezone,
            "ticks": ticks_for(scale, tz),
            "rows": rows,
            "agenda": agenda,
            "now_left": _pct(scale.left(now_ts)) if show_now else None,
            "now_label": _hhmm(now, tz),
            "closed_all_day": not site_day.open_spans,
            "site_closures": [
                (_when(c.start, tz, day), _when(c.end, tz, day), c.reason)
                for c in site_day.closures
            ],
            "here": here,
            "previous_url": board_url(model_admin, site_pk=site.pk, day=day - timedelta(days=1)),
            "next_url": board_url(model_admin, site_pk=site.pk, day=day + timedelta(days=1)),
            "today_url": board_url(model_admin, site_pk=site.pk, day=today),
            "legend": [
                (state, str(Booking.StateChoices(state).label), state_colour(state))
                for state in SHOWN_STATES
            ],
        }
    )
    return TemplateResponse(request, "admin/bookings/booking/planning.html", context)
