"""The planning board's interactions in a real browser (Debian's Chromium driven by Playwright,
the set-up of tests/browser.py): an operator drags a booking to another bay and
sees it moved (on the board, and in the database after the browser is closed); an operator
clicks an empty cell, asks "why is this not free?" on a closed cell and on a taken one, and sees
the reasons. With KEEP_SCREENSHOTS=1 the explanation panel is kept as
docs/screenshots/planning-board-explain.png (the README's)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from bookings.models import Booking, BookingEvent
from pricing import public as pricing
from scheduling import public as scheduling
from scheduling.models import Closure, Resource, Site
from tests.browser import (
    ARTEFACTS,
    DOCS_SCREENSHOTS,
    NOW,
    PARIS,
    SERVICE,
    book_next_start,
    chromium_page,
    demo_site,
    log_in_as_operator,
)
from tests.conftest import FakeClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scene() -> tuple[Site, Booking, Resource]:
    """Thursday, nothing booked yet; one booking at 10:00 (or the first free start after it) and
    a bay of the same site that can take the same service at the same time."""
    site = demo_site(bookings=0)
    day = (NOW + timedelta(days=1)).date()
    booking = book_next_start(
        site, datetime.combine(day, datetime.min.time(), tzinfo=PARIS).replace(hour=10)
    )
    requirements = pricing.service_requirements(
        service_code=SERVICE, category=booking.vehicle_category
    )
    free = scheduling.ranked_free_resources(
        site=scheduling.bookable_site(pk=site.pk),
        requirements=requirements,
        start=booking.start,
        now=NOW,
    )
    others = [info for info in free if info.pk != booking.resource_id]
    assert others, "the demo site has no second bay for this service"
    return site, booking, Resource.objects.get(pk=others[0].pk)


def _board_url(base: str, site: Site, booking: Booking) -> str:
    day = booking.start.astimezone(PARIS).date()
    return (
        f"{base}/admin/bookings/booking/planning/?site={site.pk}&day={day}"
        f"&service={SERVICE}&category={booking.vehicle_category}"
    )


def _cell(page: Any, resource_pk: int, start: datetime) -> Any:
    iso = start.astimezone(PARIS).isoformat()
    return page.locator(
        f'.planning-row[data-resource-pk="{resource_pk}"] .planning-cell[data-start="{iso}"]'
    )


def test_an_operator_drags_a_booking_to_another_bay(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site, booking, target = _scene()
    block_selector = f'a.planning-block[data-booking="{booking.reference}"]'
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)
        page.goto(_board_url(live_server.url, site, booking))
        block = page.locator(block_selector)
        block.wait_for()
        assert block.get_attribute("draggable") == "true"
        cell = _cell(page, target.pk, booking.start)
        # Grabbed near its left edge, dropped near the cell's: the start snaps to that cell.
        block.drag_to(cell, source_position={"x": 4, "y": 8}, target_position={"x": 4, "y": 8})
        page.wait_for_selector(".messagelist")
        shown = page.locator(".messagelist").inner_text()
        assert f"Booking {booking.reference} moved to {target.name}" in shown
        moved_block = page.locator(
            f'.planning-row[data-resource-pk="{target.pk}"] {block_selector}'
        )
        moved_block.wait_for()
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "planning-board-moved.png"), full_page=True)
    moved = Booking.objects.get(pk=booking.pk)
    assert (moved.resource_id, moved.start) == (target.pk, booking.start)
    assert BookingEvent.objects.filter(
        booking=moved, action="reschedule", actor__email="operator@example.com"
    ).exists()


def test_an_operator_asks_why_a_cell_is_not_free(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site, booking, other = _scene()
    local = booking.start.astimezone(PARIS)
    closed_at = local.replace(hour=15, minute=0)
    Closure.objects.create(
        resource=other,
        start=closed_at,
        end=closed_at + timedelta(hours=1),
        reason="Lift inspection",
    )
    step = timedelta(minutes=site.slot_step_minutes)
    requirements = pricing.service_requirements(
        service_code=SERVICE, category=booking.vehicle_category
    )
    assert requirements.duration_minutes > site.slot_step_minutes  # one step earlier meets it
    shots = []
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)
        page.goto(_board_url(live_server.url, site, booking))
        panel = page.locator("#planning-panel")

        # A closed cell (the bay's closure): the closure's reason.
        _cell(page, other.pk, closed_at).click()
        panel.locator(".planning-cell-panel").wait_for()
        panel.get_by_text("Why is this not free?").click()
        reasons = panel.locator(".planning-reasons")
        reasons.wait_for()
        assert "The resource is closed at that time." in reasons.inner_text()
        assert "Lift inspection" in reasons.inner_text()
        page.keyboard.press("Escape")
        assert panel.is_hidden()

        # A taken cell, one step before the booking: the booking that holds the bay, linked.
        _cell(page, booking.resource_id, booking.start - step).click()
        panel.locator(".planning-cell-panel").wait_for()
        panel.get_by_text("Why is this not free?").click()
        reasons = panel.locator(".planning-reasons")
        reasons.wait_for()
        text = reasons.inner_text()
        assert "Booked at that time" in text
        assert booking.reference in text
        link = reasons.get_by_role("link", name=booking.reference)
        assert link.get_attribute("href") == f"/admin/bookings/booking/{booking.pk}/change/"
        assert "Nearest offered starts on this resource" in panel.inner_text()
        ARTEFACTS.mkdir(exist_ok=True)
        shots.append(ARTEFACTS / "planning-board-explain.png")
        page.screenshot(path=str(shots[-1]), full_page=False)

        # The keyboard: Enter on a focused empty cell opens its panel too.
        page.keyboard.press("Escape")
        free_cell = _cell(page, other.pk, local.replace(hour=16, minute=30))
        free_cell.focus()
        page.keyboard.press("Enter")
        panel.locator(".planning-cell-panel").wait_for()
        assert panel.locator(".planning-cell-panel").get_attribute("data-free") == "1"
    if os.environ.get("KEEP_SCREENSHOTS"):
        for shot in shots:
            (DOCS_SCREENSHOTS / shot.name).write_bytes(shot.read_bytes())
    assert Booking.objects.get(pk=booking.pk).resource_id == booking.resource_id


def test_a_cell_clicked_after_the_session_expired_opens_the_sign_in_page(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    """The panel's fetch is redirected to the sign-in page: the browser goes to the cell's own
    page (and so to the sign-in page, back to the cell after it), not a login form in the panel."""
    clock.set(NOW)
    site, booking, other = _scene()
    local = booking.start.astimezone(PARIS)
    with chromium_page() as page:
        log_in_as_operator(page, live_server.url)
        page.goto(_board_url(live_server.url, site, booking))
        cell = _cell(page, other.pk, local.replace(hour=16, minute=30))
        cell.wait_for()
        page.context.clear_cookies()  # the session is gone
        cell.click()
        page.wait_for_url(re.compile(r"/admin/login/\?next=.*planning/cell/"))
        assert page.locator("#id_username").is_visible()
