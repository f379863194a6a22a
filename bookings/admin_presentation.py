"""How a booking's state looks in the back-office (list, planning board, dashboard): one colour
per state and the badge. Below every admin module that shows a state, so none of them has to
import the booking admin (that import closed a cycle: admin -> admin_board -> admin)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

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


def state_badge(booking: Booking) -> SafeString:
    return format_html(
        '<span class="booking-state booking-state-{}" style="background:{};color:#fff;'
        'padding:1px 7px;border-radius:9px;white-space:nowrap">{}</span>',
        booking.state,
        state_colour(booking.state),
        Booking.StateChoices(booking.state).label,
    )
