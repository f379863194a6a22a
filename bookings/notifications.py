"""Customer e-mails about a booking (SPEC §6), sent only after the transaction commits.

Services call `notify_after_commit(kind, booking_pk)`; the e-mail is built from a fresh read
once the change is committed, so a rolled-back change never sends anything and a slow mail
server never holds a lock."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

KINDS = ("created", "confirmed", "rescheduled", "cancelled", "reminder", "completed")
LANGUAGES = ("en", "fr")

_suppressed: ContextVar[bool] = ContextVar("booking_notifications_suppressed", default=False)


@contextmanager
def notifications_suppressed() -> Iterator[None]:
    """No booking e-mail is registered inside: demo data must never write to its fictional
    customers (and thousands of e-mails would dominate the run)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


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
CALENDAR_METHOD = {"confirmed": "PUBLISH", "rescheduled": "PUBLISH", "cancelled": "CANCEL"}


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
    calendar.add_missing_timezones()
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


def send_notice(notice: BookingNotice) -> None:
    try:
        build_email(notice).send()
    except Exception:
        # The booking change is committed and must stay so; a lost e-mail is logged, not raised.
        logger.exception("could not send the %s e-mail for %s", notice.kind, notice.reference)


def notify_after_commit(kind: str, load: Callable[[], BookingNotice | None]) -> None:
    """Sends the e-mail once the current transaction commits (at once outside a transaction).
    `load` reads the committed booking then; None means there is nobody to write to."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if _suppressed.get():
        return

    def _send() -> None:
        # After the commit nothing may fail the request: the change stands and its answer is due
        # (an exception here used to turn a committed booking into a 500).
        try:
            notice = load()
        except Exception:
            logger.exception("could not send the %s e-mail: reading the booking failed", kind)
            return
        if notice is not None:
            send_notice(notice)

    transaction.on_commit(_send)
