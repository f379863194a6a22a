"""A phone booking in a real browser (issue 17, item 1): the operator opens the booking desk from
the admin index, finds no such customer, takes the caller on (no e-mail address), adds their car,
chooses the service and an option while the price follows, picks a free start inside the minimum
notice with the explicit override, confirms at once, books, and sees the booking on the board.
With KEEP_SCREENSHOTS=1 the filled-in desk goes to docs/screenshots/booking-page.png."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from bookings.models import Booking, BookingEvent
from scheduling.models import Site
from tests.browser import (
    ARTEFACTS,
    DOCS_SCREENSHOTS,
    NOW,
    chromium_page,
    demo_site,
    log_in_as_operator,
)
from tests.conftest import FakeClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLATE = "WK-042-ZW"


def test_an_operator_takes_a_phone_booking_for_a_new_customer_and_sees_it_on_the_board(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site = demo_site(bookings=40)
    Site.objects.filter(pk=site.pk).update(min_notice_minutes=120)
    shot = ARTEFACTS / "booking-page.png"
    ARTEFACTS.mkdir(exist_ok=True)

    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)

        # The desk is one click from the index.
        page.click("#new-booking-link")
        page.wait_for_url(re.compile(r"/admin/bookings/booking/book/"))

        # Nobody of that name yet: take the caller on, without an e-mail address.
        page.fill("#desk-q", "Walker")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert "No customer matches" in page.locator("#desk-results").inner_text()
        page.fill("#id_new-first_name", "Zoé")
        page.fill("#id_new-last_name", "Walker")
        page.fill("#id_new-phone", "06 98 76 54 32")
        page.get_by_role("button", name="Take on this customer").click()
        page.wait_for_load_state()
        assert "Zoé Walker" in page.locator(".desk-chosen").inner_text()

        # Their car.
        page.fill("#id_car-plate", PLATE)
        page.fill("#id_car-make", "Renault")
        page.fill("#id_car-model", "Mégane")
        page.fill("#id_car-year", "2020")
        page.select_option("#id_car-category", "medium")
        page.select_option("#id_car-energy", "diesel")
        page.get_by_role("button", name="Add this vehicle").click()
        page.wait_for_load_state()
        assert PLATE in page.locator(".desk-vehicles").inner_text()

        # The service on the demo site; the price follows an option without a reload.
        page.select_option("#desk-site", str(site.pk))
        page.wait_for_load_state()
        with page.expect_navigation():
            page.select_option("#desk-service", "exterior-wash")
        total = page.locator("[data-total]")
        before = total.get_attribute("data-total")
        with page.expect_response(lambda r: "live=1" in r.url):
            page.get_by_label(re.compile("Hand wax")).check()
        changed = "(before) => document.querySelector('[data-total]').dataset.total !== before"
        page.wait_for_function(changed, arg=before)
        assert total.get_attribute("data-total") != before

        # The first free start of today, inside the notice: the override, with its reason.
        first = page.locator(".desk-day").first.locator("input[name=start]").first
        label = page.locator(".desk-day").first.locator(".desk-start").first
        assert "desk-inside-notice" in (label.get_attribute("class") or "")
        with page.expect_response(lambda r: "live=1" in r.url):
            first.check()
        page.check("#desk-override")
        page.fill("#desk-override-reason", "Customer on the phone, arriving now")
        page.check("#desk-confirm-now")
        page.screenshot(path=str(shot), full_page=True)

        page.click("#desk-submit")
        page.wait_for_url(re.compile(r"/admin/bookings/booking/planning/"))
        message = page.locator(".messagelist").inner_text()
        reference = re.search(r"BK-[0-9A-Z]+", message)
        assert reference is not None
        block = page.locator(f'.planning-block[data-booking="{reference.group(0)}"]')
        block.wait_for()
        assert "booking-state-confirmed" in (block.get_attribute("class") or "")
        assert PLATE.replace("-", "") in block.inner_text().replace("-", "")

    booking = Booking.objects.get(reference=reference.group(0))
    assert booking.customer.last_name == "Walker"
    assert booking.customer.email.endswith("@walk-in.invalid")
    assert booking.option_codes == ["hand-wax"]
    assert booking.state == "confirmed"
    created = BookingEvent.objects.get(booking=booking, action="create")
    assert created.details["notice_override"] is True
    assert created.reason == "Customer on the phone, arriving now"
    if os.environ.get("KEEP_SCREENSHOTS"):
        (DOCS_SCREENSHOTS / shot.name).write_bytes(shot.read_bytes())
