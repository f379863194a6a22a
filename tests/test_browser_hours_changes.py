"""An operator closes a date that has bookings from the scheduling back-office, in a real browser:
the Date exceptions page refuses to save it there and links to the bookings page, which lists the
two bookings it hits; the operator moves one to its next free start and cancels the other, and
sees the outcome on the board. The browser set-up is tests/browser.py's."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from bookings.models import Booking
from scheduling.models import DateException
from tests.browser import (
    NOW,
    PARIS,
    book_next_start,
    chromium_page,
    demo_site,
    log_in_as_operator,
)
from tests.conftest import FakeClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_closes_a_booked_date_moves_one_booking_and_cancels_the_other(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site = demo_site(bookings=0)
    day = (NOW + timedelta(days=1)).date()  # Thursday: open, nothing booked yet
    first = book_next_start(site, datetime.combine(day, datetime.min.time(), tzinfo=PARIS))
    second = book_next_start(site, first.start)
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)
        page.goto(f"{live_server.url}/admin/scheduling/dateexception/add/")
        page.select_option("#id_site", str(site.pk))
        page.fill("#id_day", day.isoformat())
        page.select_option("#id_kind", "closed")
        page.fill("#id_reason", "Burst pipe")
        page.click("input[name=_save]")
        refusal = page.locator(".errornote, .errorlist").first
        refusal.wait_for()
        assert "This change hits 2 active bookings" in page.content()
        page.get_by_role("link", name="List them and choose what happens to each.").click()
        page.wait_for_url(re.compile(r"/date-exception/\?"))
        page.get_by_role("button", name=re.compile("List the bookings it hits")).click()
        page.locator("#close-hits").wait_for()
        assert first.reference in page.locator("#close-hits").inner_text()
        assert second.reference in page.locator("#close-hits").inner_text()
        page.select_option(f"select[name=choice-{first.pk}]", "next_free")
        page.select_option(f"select[name=choice-{second.pk}]", "cancel")
        page.get_by_role("button", name=re.compile("Save the date exception")).click()
        page.wait_for_url(re.compile(r"/planning/"))
        shown = page.locator(".messagelist").inner_text()
        assert "The date exception is saved." in shown
        assert f"{first.reference}: Moved to its next free start." in shown
        assert f"{second.reference}: Cancelled." in shown
    assert DateException.objects.get(site=site, day=day).kind == "closed"
    moved, cancelled = Booking.objects.get(pk=first.pk), Booking.objects.get(pk=second.pk)
    assert moved.start.astimezone(PARIS).date() > day
    assert cancelled.state == "cancelled"
    assert not cancelled.fee
