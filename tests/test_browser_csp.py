"""The Content-Security-Policy holds in a real browser (Debian's Chromium, Playwright): a staff
member enrols two-factor sign-in (the QR code page), opens the planning board, the dashboard and a
booking, then the API's Swagger page, and the browser reports no violation of the policy on any of
them (docs/rules/security.md). Set-up in tests/browser.py."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bookings.models import Booking
from tests.browser import NOW, chromium_page, demo_site, log_in_as_operator
from tests.conftest import FakeClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs: every violation the page reports, in the page.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_the_admin_and_the_swagger_page_load_without_a_policy_violation(
    role_groups: None, live_server: Any, clock: FakeClock
) -> None:
    clock.set(NOW)
    site = demo_site(bookings=40)
    booking = Booking.objects.order_by("pk").first()
    assert booking is not None
    operator = User.objects.get(email="operator@example.com")
    # The enrolment page shows this (unconfirmed) device's key: the test computes its codes
    # without the database inside the browser block.
    device = TOTPDevice.objects.create(user=operator, name="Authenticator app", confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    base = live_server.url
    pages = [
        (
            f"{base}/admin/bookings/booking/planning/?site={site.pk}&day={NOW.date()}",
            ".planning-track",
        ),
        (f"{base}/admin/", "#content"),  # the dashboard
        (f"{base}/admin/bookings/booking/reports/", "#content"),
        (f"{base}/admin/bookings/booking/{booking.pk}/change/", "#booking_form"),
        (f"{base}/admin/bookings/booking/", "#result_list"),
        (f"{base}/admin/bookings/booking/book/?q=a", "#desk-results"),  # the booking desk
        (f"{base}/api/v1/docs", ".swagger-ui .opblock"),
    ]
    console: list[str] = []
    seen: dict[str, list[str]] = {}

    with override_settings(ADMIN_REQUIRE_2FA=True), chromium_page() as page:
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

        log_in_as_operator(page, base, lands_on=r"/admin/two-factor/setup/")
        assert page.locator(".two-factor-qr svg").is_visible()
        seen["setup"] = page.evaluate("window.__cspViolations")
        totp.time = time.time()
        page.fill("#id_token", str(totp.token()).zfill(device.digits))
        page.click("#two-factor-form input[type=submit]")
        page.locator("#two-factor-codes li").first.wait_for()
        seen["codes"] = page.evaluate("window.__cspViolations")

        for url, ready in pages:
            page.goto(url)
            page.locator(ready).first.wait_for()
            page.wait_for_load_state("networkidle")
            seen[url] = page.evaluate("window.__cspViolations")

    assert {where: found for where, found in seen.items() if found} == {}
    assert console == []
