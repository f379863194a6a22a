"""An operator's morning in a real browser (Debian's Chromium driven by Playwright): log in to the
back-office, open today's planning board, open a pending booking, confirm it, and see it confirmed
on the board. A screenshot of the board is kept as a test artefact (test-artifacts/)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bookings.models import Booking, BookingEvent
from scheduling.models import Site
from tests.browser import (
    ARTEFACTS,
    DOCS_SCREENSHOTS,
    NOW,
    PARIS,
    book_first_free_start,
    book_next_start,
    chromium_page,
    demo_site,
    log_in_as_operator,
)
from tests.conftest import FakeClock
from vehicles.models import Vehicle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pending_booking_later_today(site: Site) -> Booking:
    """A customer books the next free start of the day through the booking service, as the API
    would: it waits for an operator."""
    vehicle = Vehicle.objects.filter(owner__email="customer@example.com", is_archived=False).first()
    assert vehicle is not None
    return book_first_free_start(
        site, vehicle, start=NOW + timedelta(hours=2), end=NOW.replace(hour=18)
    )


def test_an_operator_confirms_a_pending_booking_from_the_planning_board(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site = demo_site(bookings=40)
    booking = pending_booking_later_today(site)
    assert booking.state == "pending"
    block_selector = f'a[href*="/admin/bookings/booking/{booking.pk}/change/"]'
    board_url = (
        f"{live_server.url}/admin/bookings/booking/planning/?site={site.pk}&day={NOW.date()}"
    )

    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)

        # The planning board is one click away from the bookings list; today's board of the site.
        page.goto(f"{live_server.url}/admin/bookings/booking/")
        page.get_by_role("link", name=re.compile("planning", re.IGNORECASE)).first.click()
        page.wait_for_url(re.compile(r"/admin/bookings/booking/planning/"))
        page.goto(board_url)
        block = page.locator(block_selector).first
        block.wait_for()
        assert booking.vehicle_plate.replace("-", "") in block.inner_text().replace("-", "")
        assert "pending" in (block.get_attribute("class") or "")

        # Open the pending booking and confirm it.
        block.click()
        page.wait_for_url(re.compile(rf"/admin/bookings/booking/{booking.pk}/change/"))
        page.get_by_role("button", name=re.compile(r"^\s*Confirm\s*$")).click()
        page.wait_for_load_state()
        assert booking.reference in page.locator(".messagelist").inner_text()

        # Back on the board, the booking shows as confirmed.
        page.goto(board_url)
        block = page.locator(block_selector).first
        block.wait_for()
        assert "booking-state-confirmed" in (block.get_attribute("class") or "")

        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "planning-board.png"), full_page=True)

    confirmed = Booking.objects.get(pk=booking.pk)
    assert confirmed.state == "confirmed"
    assert BookingEvent.objects.filter(
        booking=confirmed, action="confirm", actor__email="operator@example.com"
    ).exists()


def test_the_reports_page_and_a_public_holiday_on_the_board(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    """The reports of the last month with their SVG charts, and the board of a site on a public
    holiday (the site's country is France). Screenshots go to test-artifacts/ and, with
    KEEP_SCREENSHOTS=1, to docs/screenshots/ (the README's)."""
    clock.set(NOW)
    site = demo_site(bookings=150, customers=12)
    Site.objects.filter(pk=site.pk).update(country="FR")
    holiday = datetime(2026, 7, 14, tzinfo=PARIS).date()  # Bastille Day, a Tuesday
    first = (NOW - timedelta(days=29)).date()
    reports_url = (
        f"{live_server.url}/admin/bookings/booking/reports/?site="
        f"&from={first.isoformat()}&to={NOW.date().isoformat()}"
    )
    board_url = f"{live_server.url}/admin/bookings/booking/planning/?site={site.pk}&day={holiday}"
    shots: list[Path] = []
    ARTEFACTS.mkdir(exist_ok=True)
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)

        page.goto(f"{live_server.url}/admin/bookings/booking/")
        page.get_by_role("link", name=re.compile("^Reports$")).first.click()
        page.wait_for_url(re.compile(r"/admin/bookings/booking/reports/"))
        page.goto(reports_url)
        page.locator("#report-hours svg").wait_for()
        assert page.locator("svg.report-chart").count() >= 3
        assert "EUR" in page.locator("#report-revenue").inner_text()
        shots.append(ARTEFACTS / "reports.png")
        page.screenshot(path=str(shots[-1]), full_page=True)

        page.goto(board_url)
        note = page.locator(".planning-special-day")
        note.wait_for()
        assert "Public holiday" in note.inner_text()
        shots.append(ARTEFACTS / "planning-board-holiday.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
    if os.environ.get("KEEP_SCREENSHOTS"):
        for shot in shots:
            (DOCS_SCREENSHOTS / shot.name).write_bytes(shot.read_bytes())


def test_an_operator_closes_time_over_two_bookings_moves_one_and_cancels_the_other(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site = demo_site(bookings=0)
    day = (NOW + timedelta(days=1)).date()  # Thursday: open, nothing booked yet
    first = book_next_start(site, datetime.combine(day, datetime.min.time(), tzinfo=PARIS))
    second = book_next_start(site, first.start)
    start = min(first.start, second.start).astimezone(PARIS)
    end = max(first.end, second.end).astimezone(PARIS)
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)
        page.goto(f"{live_server.url}/admin/bookings/booking/")
        page.get_by_role("link", name=re.compile("^Close time$")).first.click()
        page.wait_for_url(re.compile(r"/close-time/"))
        page.select_option("#id_site", str(site.pk))
        page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_end", end.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_reason", "Burst pipe")
        page.get_by_role("button", name=re.compile("List the bookings it hits")).click()
        page.locator("#close-hits").wait_for()
        assert first.reference in page.locator("#close-hits").inner_text()
        assert second.reference in page.locator("#close-hits").inner_text()
        page.select_option(f"select[name=choice-{first.pk}]", "next_free")
        page.select_option(f"select[name=choice-{second.pk}]", "cancel")
        page.get_by_role("button", name=re.compile("Save the closure")).click()
        page.wait_for_url(re.compile(r"/planning/"))
        shown = page.locator(".messagelist").inner_text()
        assert f"{first.reference}: Moved to its next free start." in shown
        assert f"{second.reference}: Cancelled." in shown
    moved, cancelled = Booking.objects.get(pk=first.pk), Booking.objects.get(pk=second.pk)
    assert moved.state == first.state
    assert moved.start >= end
    assert cancelled.state == "cancelled"
    assert not cancelled.fee
