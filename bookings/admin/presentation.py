"""How the back-office shows a booking (list, change page, planning board, dashboard): one colour
and one label per state, the state badge, a moment on the site's clock, the buttons' shape and the
back-office's URLs. The bottom of bookings.admin: it imports nothing of the package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.admin import ModelAdmin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from bookings import readmodel
from bookings.models import Booking

STATE_COLOURS = {
    "pending": "#b7791f",
    "confirmed": "#2b6cb0",
    "in_progress": "#6b46c1",
    "completed": "#2f855a",
    "cancelled": "#718096",
    "expired": "#a0aec0",
    "no_show": "#c53030",
}
UNKNOWN_STATE_COLOUR = "#4a5568"


def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, UNKNOWN_STATE_COLOUR)


def state_label(state: str) -> str:
    """The state's name in the operator's language ("Confirmed", "Confirmée")."""
    return str(Booking.StateChoices(state).label)


def state_badge(state: str) -> SafeString:
    return format_html(
        '<span class="booking-state booking-state-{}" style="background:{};color:#fff;'
        'padding:1px 7px;border-radius:9px;white-space:nowrap">{}</span>',
        state,
        state_colour(state),
        state_label(state),
    )


@dataclass(frozen=True)
class Button:
    """A transition (or reschedule) button on the change page and the planning board."""

    action: str
    label: str
    url: str
    needs_reason: bool = False  # opens a form instead of posting at once


def site_timezone(booking: Booking) -> ZoneInfo:
    """The booking's site clock: the annotation the back-office's selectors add, else the site."""
    return ZoneInfo(readmodel.site_timezone_of(booking))


def local(booking: Booking, field: str) -> str:
    """A time on the booking's site clock, with the zone's abbreviation (CET, CEST...)."""
    moment = getattr(booking, field)
    if moment is None:
        return "-"
    return f"{moment.astimezone(site_timezone(booking)):%Y-%m-%d %H:%M %Z}"


def site_time(moment: datetime, timezone: str) -> str:
    """A moment on the dashboard: the operator's locale's short date and time
    (SHORT_DATETIME_FORMAT) on the site's clock, with the zone's abbreviation (CET, CEST...)."""
    there = moment.astimezone(ZoneInfo(timezone))
    return f"{date_format(there, 'SHORT_DATETIME_FORMAT')} {there:%Z}"


def day_text(day: date) -> str:
    """A day on the dashboard: the same locale's short date (the date part of the above)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def admin_url(model_admin: ModelAdmin[Booking], name: str, *args: Any) -> str:
    """One of the booking admin's pages ("change", "planning", "transition"...)."""
    opts = model_admin.opts
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{name}",
        args=args,
        current_app=model_admin.admin_site.name,
    )
