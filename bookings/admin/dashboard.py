"""The operators' dashboard on the admin index (docs/rules/bookings.md, "Dashboard"): today's
bookings by state, the next arrivals, the pending bookings waiting for a confirmation (oldest
first, with when they expire) and this week's utilisation per resource. A fixed number of queries
whatever the number of bookings, resources or sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from bookings import readmodel, selectors
from bookings.admin.presentation import day_text, site_time, state_badge, state_label
from bookings.domain.dashboard import utilisation_percent
from bookings.domain.days import TODAY
from bookings.domain.policies import expires_at
from bookings.domain.states import State
from scheduling import public as scheduling
from vehicles import public as vehicles

NEXT_ARRIVALS = 10
PENDING_SHOWN = 15


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class BookingRow:
    reference: str
    url: str
    start: str  # on the site's clock
    plate: str
    service: str
    site: str
    resource: str
    state: SafeString
    expires: str = ""  # pending only: on the site's clock
    overdue: bool = False  # pending past its expiry, not yet expired by the job


@dataclass(frozen=True)
class Utilisation:
    site: str
    resource: str
    booked_minutes: int
    open_minutes: int
    percent: int | None  # None: not open this week
    bar: int  # the bar's width, 0 to 100


@dataclass(frozen=True)
class Dashboard:
    today: list[StateCount]
    today_total: int
    arrivals: list[BookingRow]
    pending: list[BookingRow]
    pending_total: int
    pending_url: str
    week_first: date | None
    week_last: date | None
    week_days: tuple[str, str] | None  # week_first and week_last as the dashboard shows them
    utilisation: list[Utilisation]


def _changelist(**params: str) -> str:
    url = reverse("admin:bookings_booking_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _row(view: readmodel.BookingView, *, now: datetime | None = None) -> BookingRow:
    expires, overdue = "", False
    if now is not None:
        moment = expires_at(
            timing=view.timing,
            confirmation_window=timedelta(minutes=view.confirmation_window_minutes),
        )
        expires = site_time(moment, view.site.timezone)
        overdue = moment <= now
    return BookingRow(
        reference=view.reference,
        url=reverse("admin:bookings_booking_change", args=[view.pk]),
        start=site_time(view.start, view.site.timezone),
        plate=vehicles.display_plate(view.vehicle.plate),
        service=view.service.name,
        site=view.site.name,
        resource=view.resource.name,
        state=state_badge(view.state),
        expires=expires,
        overdue=overdue,
    )


def build(*, now: datetime) -> Dashboard:
    timezones = selectors.timezones_this_week(now=now)  # read once for today and the week
    counts = selectors.today_counts_by_state(now=now, timezones=timezones)
    today = [
        StateCount(
            state=state.value,
            label=state_label(state.value),
            count=counts.get(state.value, 0),
            url=_changelist(day=TODAY, state=state.value),
        )
        for state in State
    ]
    pending, pending_total = selectors.pending_to_confirm(limit=PENDING_SHOWN)
    booked = selectors.booked_minutes_this_week(now=now, timezones=timezones)
    openings = scheduling.week_openings(now=now)
    utilisation = []
    for opening in openings:
        minutes = booked.get(opening.resource_pk, 0)
        percent = utilisation_percent(booked_minutes=minutes, open_minutes=opening.open_minutes)
        utilisation.append(
            Utilisation(
                site=opening.site_name,
                resource=opening.resource_name,
                booked_minutes=minutes,
                open_minutes=opening.open_minutes,
                percent=percent,
                bar=min(percent or 0, 100),
            )
        )
    return Dashboard(
        today=today,
        today_total=sum(counts.values()),
        arrivals=[_row(b) for b in selectors.next_arrivals(now=now, limit=NEXT_ARRIVALS)],
        pending=[_row(b, now=now) for b in pending],
        pending_total=pending_total,
        pending_url=_changelist(state=State.PENDING.value),
        week_first=openings[0].first if openings else None,
        week_last=openings[0].last if openings else None,
        week_days=(day_text(openings[0].first), day_text(openings[0].last)) if openings else None,
        utilisation=utilisation,
    )
