"""Customer e-mails about a booking (SPEC §6): what each says, in the customer's language, with
the booking's calendar event where it changes the calendar.

They are consumers of the booking's domain events (bookings.consumers, run by the worker): a
use case writes its event in its transaction; the worker renders the e-mail from the committed
booking and sends it (core.emails), so a rolled-back change never sends anything and a slow mail
server never holds a request, a transaction or a lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.outbox import events_suppressed

KINDS = ("created", "confirmed", "rescheduled", "cancelled", "reminder", "completed", "expired")
LANGUAGES = ("en", "fr")


@contextmanager
def notifications_suppressed() -> Iterator[None]:
    """No booking event, hence no e-mail and no webhook, is written inside: demo data must never
    write to its fictional customers (and thousands of e-mails would dominate the run)."""
    with events_suppressed():
        yield


@dataclass(frozen=True)
class BookingNotice:
    kind: str
    reference: str
    recipient_email: str
    recipient_name: str
    language: str
    site_name: str
    site_address: str
    site_timezone: str
    service_name: str
    plate_display: str
    start: datetime
    end: datetime
    total: Decimal
    currency: str
    fee: Decimal | None = None
    previous_start: datetime | None = None
    reason: str = ""
    state: str = "confirmed"  # the booking's state, for its calendar event's STATUS
    sequence: int = 0  # the booking's calendar_sequence


# The calendar event's STATUS for each booking state (RFC 5545 VEVENT statuses).
CALENDAR_STATUS = {
    "pending": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "in_progress": "CONFIRMED",
    "completed": "CONFIRMED",
    "no_show": "CONFIRMED",
    "cancelled": "CANCELLED",
    "expired": "CANCELLED",
}
# The e-mails that carry the booking's calendar event, and the iTIP method it goes with.
CALENDAR_METHOD = {
    "confirmed": "PUBLISH",
    "rescheduled": "PUBLISH",
    "cancelled": "CANCEL",
    "expired": "CANCEL",
}


@lru_cache(maxsize=64)
def _vtimezone(tzid: str) -> icalendar.Timezone | None:
    """The VTIMEZONE of `tzid` as icalendar's add_missing_timezones() builds it (its transitions
    from 1970 to 2038: some 5 ms of CPU, the larger part of an e-mail's calendar file), built
    once per timezone and process. None for a timezone icalendar does not know (left out, as
    add_missing_timezones leaves it). Shared by every calendar: never changed once built."""
    try:
        return icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None


def _add_missing_timezones(calendar: icalendar.Calendar) -> None:
    """calendar.add_missing_timezones(), each VTIMEZONE from the cache (_vtimezone): the same
    components in the same places, hence the same bytes."""
    position = len(calendar.timezones)
    for tzid in calendar.get_missing_tzids():
        timezone_component = _vtimezone(tzid)
        if timezone_component is not None:
            calendar.subcomponents.insert(position, timezone_component)
            position += 1


def calendar_event(notice: BookingNotice, *, method: str = "PUBLISH") -> bytes:
    """The booking's iCalendar event in the site's timezone (with its VTIMEZONE), for calendar
    apps: one UID for the booking's whole life, its SEQUENCE (up with each revision, so that a
    calendar replaces what it holds) and its STATUS (CANCELLED once cancelled or expired).
    `method` CANCEL is for the cancellation e-mail (iTIP: it names the attendee)."""
    tz = ZoneInfo(notice.site_timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Car service booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", f"{notice.reference}@car-service-booking")
    event.add("sequence", notice.sequence)
    event.add("status", CALENDAR_STATUS.get(notice.state, "CONFIRMED"))
    event.add("dtstamp", timezone.now())
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(notice.site_name or name)
    event.add("organizer", organizer)
    if method == "CANCEL":
        attendee = icalendar.vCalAddress(f"mailto:{notice.recipient_email}")
        if notice.recipient_name:
            attendee.params["cn"] = icalendar.vText(notice.recipient_name)
        event.add("attendee", attendee)
    event.add("dtstart", notice.start.astimezone(tz))
    event.add("dtend", notice.end.astimezone(tz))
    event.add("summary", f"{notice.service_name} – {notice.plate_display} ({notice.reference})")
    event.add("location", f"{notice.site_name}, {notice.site_address}".strip(", "))
    event.add("description", f"{notice.reference}: {notice.service_name}, {notice.plate_display}")
    calendar.add_component(event)
    _add_missing_timezones(calendar)
    return bytes(calendar.to_ical())


def build_email(notice: BookingNotice) -> EmailMultiAlternatives:
    language = notice.language if notice.language in LANGUAGES else "en"
    context = {"notice": notice}
    with translation.override(language), timezone.override(ZoneInfo(notice.site_timezone)):
        base = f"emails/{language}/booking_{notice.kind}"
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient_email],
    )
    message.attach_alternative(html, "text/html")
    method = CALENDAR_METHOD.get(notice.kind)
    if method is not None:
        message.attach(
            f"{notice.reference}.ics",
            calendar_event(notice, method=method),
            f"text/calendar; method={method}",
        )
    return message
