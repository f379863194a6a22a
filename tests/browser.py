"""The set-up the browser tests share (tests/test_browser_*.py): Debian's Chromium driven by
Playwright, the demo world seeded at a fixed "now", the demo operator's sign-in, and a customer's
booking at the first free start of a window, made through the booking service as the API would."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command

from bookings import services
from bookings.models import Booking
from pricing import public as pricing
from scheduling import public as scheduling
from scheduling.models import Site
from vehicles.models import Vehicle

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PARIS = ZoneInfo("Europe/Paris")
# A Wednesday morning: the demo sites are open, the board has jobs before and after "now".
NOW = datetime(2026, 6, 10, 9, 40, tzinfo=PARIS)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVICE = "exterior-wash"  # what the booking helpers book


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page in Debian's Chromium. Playwright's sync API runs an event loop in this thread, so
    Django would take the test's ORM calls for async code and give them a connection of their
    own: the test touches the database only before and after this block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="en-GB", timezone_id="Europe/Paris"
        )
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def log_in_as_operator(page: Any, base_url: str, *, lands_on: str = r"/admin/$") -> None:
    """Sign in to the back-office as the demo operator and wait for the page it lands on (the
    admin index; the two-factor enrolment page where the admin requires it)."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "operator@example.com")
    page.fill("#id_password", "operator")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(lands_on))


def demo_site(*, bookings: int, customers: int = 8) -> Site:
    """The demo world seeded at NOW (seed 1), and its first site by name."""
    call_command(
        "seed_demo",
        "--seed",
        "1",
        "--customers",
        str(customers),
        "--bookings",
        str(bookings),
        "--now",
        NOW.isoformat(),
    )
    site = Site.objects.order_by("name").first()
    assert site is not None
    return site


def book_first_free_start(
    site: Site, vehicle: Vehicle, *, start: datetime, end: datetime
) -> Booking:
    """The vehicle's owner books SERVICE at the site's first free start between `start` and
    `end`, through the booking service as the API would (now=NOW; pending or confirmed: the
    site's rule)."""
    requirements = pricing.service_requirements(service_code=SERVICE, category=vehicle.category)
    starts = scheduling.available_starts(
        site_pk=site.pk, requirements=requirements, start=start, end=end, now=NOW
    )
    assert starts, f"the demo site has no free start between {start} and {end}"
    return services.booking_create(
        actor=vehicle.owner,
        request=services.BookingRequest(
            vehicle_id=vehicle.public_id,
            service_code=SERVICE,
            site_id=site.public_id,
            start=starts[0].start,
        ),
        now=NOW,
    )


def book_next_start(site: Site, after: datetime) -> Booking:
    """A customer's booking at the first free start after `after`, within two days, for the first
    vehicle without a booking yet (pending: the site's rule)."""
    vehicle = (
        Vehicle.objects.filter(is_archived=False)
        .order_by("pk")
        .exclude(pk__in=Booking.objects.values("vehicle_id"))
        .first()
    )
    assert vehicle is not None
    return book_first_free_start(site, vehicle, start=after, end=after + timedelta(days=2))
