from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import icalendar
import pytest

from bookings.notifications import KINDS, BookingNotice, build_email

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris


def _notice(
    kind: str = "confirmed",
    language: str = "en",
    *,
    site_timezone: str = "Europe/Paris",
    fee: Decimal | None = None,
) -> BookingNotice:
    return BookingNotice(
        kind=kind,
        reference="BK-7F3K9Q",
        recipient_email="ana@example.com",
        recipient_name="Ana",
        language=language,
        site_name="Lyon Gerland",
        site_address="1 rue de Gerland",
        site_timezone=site_timezone,
        service_name="Full wash",
        plate_display="AB-123-CD",
        start=START,
        end=START + timedelta(minutes=45),
        total=Decimal("49.90"),
        currency="EUR",
        fee=fee,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_email_renders_in_both_languages(kind: str, language: str) -> None:
    message = build_email(_notice(kind, language))
    assert "BK-7F3K9Q" in message.subject
    assert "10:00" in message.body  # the site's local time, not UTC
    assert "AB-123-CD" in message.body
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    assert "<html" in html
    assert "BK-7F3K9Q" in html


def test_french_email_speaks_french() -> None:
    message = build_email(_notice("confirmed", "fr"))
    assert "confirmée" in message.subject
    assert "décembre" in message.body
    assert "49,90" in message.body


def test_cancellation_email_states_the_fee() -> None:
    message = build_email(_notice("cancelled", fee=Decimal("24.95")))
    assert "24.95 EUR" in message.body
    free = build_email(_notice("cancelled", fee=Decimal("0.00")))
    assert "No cancellation fee" in free.body


def test_confirmation_carries_a_calendar_event_in_the_site_timezone() -> None:
    message = build_email(_notice("confirmed"))
    (name, content, mimetype) = message.attachments[0]
    assert name == "BK-7F3K9Q.ics"
    assert mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Paris"
    assert start.hour == 10
    assert event.decoded("dtend") - start == timedelta(minutes=45)
    assert any(tz["TZID"] == "Europe/Paris" for tz in calendar.walk("VTIMEZONE"))
    assert not build_email(_notice("created")).attachments


def test_calendar_files_share_one_timezone_computation_per_timezone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A VTIMEZONE costs icalendar some 5 ms to compute (its transitions from 1970 to 2038):
    computed once per timezone, each file still holds its own, the one icalendar would add."""
    computed: list[str] = []
    original = icalendar.Timezone.from_tzid

    def counting(tzid: str, *args: Any, **kwargs: Any) -> icalendar.Timezone:
        computed.append(tzid)
        return original(tzid, *args, **kwargs)

    monkeypatch.setattr(icalendar.Timezone, "from_tzid", counting)
    files = {
        (tz, n): build_email(_notice("confirmed", site_timezone=tz)).attachments[0][1]
        for tz in ("Europe/Paris", "America/New_York")
        for n in range(3)
    }
    assert computed.count("Europe/Paris") <= 1
    assert computed.count("America/New_York") <= 1
    for (tz, _n), content in files.items():
        raw = content.encode() if isinstance(content, str) else content
        calendar = icalendar.Calendar.from_ical(raw)
        assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [tz]
        expected = icalendar.Calendar.from_ical(raw)
        expected.subcomponents = [c for c in expected.subcomponents if c.name != "VTIMEZONE"]
        expected.add_missing_timezones()
        assert expected.to_ical() == raw
