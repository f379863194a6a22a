"""Staff two-factor sign-in to the admin (docs/rules/security.md, "Two-factor sign-in"): with
ADMIN_REQUIRE_2FA on (production's default), a staff session enrols an authenticator app and
proves a code, or a single-use recovery code, before any admin page; its wrong codes count in the
staff lockout like wrong passwords. Off in the tests' settings (the other admin tests sign in
with a password only): these switch it on."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts.factories import PASSWORD, OperatorFactory, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

ON = override_settings(ADMIN_REQUIRE_2FA=True)
LOCKED = "Too many failed sign-in attempts"
BOOKINGS = "/admin/bookings/booking/"


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the authenticator app shows now (or so many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def sign_in(
    client: Client, email: str, password: str = PASSWORD, address: str = "203.0.113.5"
) -> _MonkeyPatchedWSGIResponse:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = ["aaaa2222", "cccc3333"]
    for each in codes:
        StaticToken.objects.create(device=recovery, token=each)
    return device, codes


@pytest.fixture
def operator() -> User:
    return OperatorFactory.create(email="op@example.com")


@ON
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # the app's own back-off after a wrong code
def test_a_staff_member_without_an_app_is_sent_to_enrol_before_any_admin_page(
    operator: User,
) -> None:
    client = Client()
    assert sign_in(client, "op@example.com").status_code == 302
    for page in ("/admin/", BOOKINGS, "/admin/password_change/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/two-factor/setup/?next=")
    setup = client.get("/admin/two-factor/setup/?next=/admin/bookings/booking/")
    page = setup.content.decode()
    assert setup.status_code == 200
    assert "<svg" in page  # the QR code, inline
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    uri = re.search(r'id="two-factor-uri">([^<]+)<', page)
    assert uri is not None
    assert uri.group(1).startswith("otpauth://totp/Car%20service%3Aop%40example.com?secret=")
    shown_secret = re.search(r'id="two-factor-secret">([^<]+)<', page)
    assert shown_secret is not None
    assert shown_secret.group(1).replace(" ", "") in uri.group(1)
    # A reload shows the same key: what was scanned stays valid.
    assert client.get("/admin/two-factor/setup/").content.decode().count(shown_secret.group(1)) == 1
    assert TOTPDevice.objects.filter(user=operator).count() == 1

    wrong = client.post("/admin/two-factor/setup/", {"token": "000000", "next": BOOKINGS})
    assert "not the app&#x27;s current one" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    done = client.post("/admin/two-factor/setup/", {"token": code(device), "next": BOOKINGS})
    assert done.status_code == 200
    shown = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(shown) == 10
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=operator).values_list("token", flat=True)
    )
    assert f'href="{BOOKINGS}"' in done.content.decode()
    assert TOTPDevice.objects.get(user=operator).confirmed
    assert client.get("/admin/").status_code == 200
    assert client.get(BOOKINGS).status_code == 200
    # The codes are shown once: the page is gone once enrolled.
    again = client.get("/admin/two-factor/setup/")
    assert again.status_code == 302
    assert shown[0] not in client.get("/admin/").content.decode()


@ON
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_an_enrolled_staff_member_signs_in_with_the_apps_code_not_a_wrong_one(
    operator: User,
) -> None:
    device, _codes = enrolled(operator)
    client = Client()
    sign_in(client, "op@example.com")
    response = client.get(BOOKINGS)
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2Fbookings%2Fbooking%2F"
    page = client.get(response["Location"])
    assert "Enter the code your authenticator app shows" in page.content.decode()

    wrong = client.post("/admin/two-factor/", {"token": "123456", "next": BOOKINGS})
    assert wrong.status_code == 200
    assert "That code is wrong" in wrong.content.decode()
    assert client.get(BOOKINGS).status_code == 302

    right = client.post("/admin/two-factor/", {"token": code(device), "next": BOOKINGS})
    assert right.status_code == 302
    assert right["Location"] == BOOKINGS
    assert client.get(BOOKINGS).status_code == 200
    # The same code again, in another session: already used.
    other = Client()
    sign_in(other, "op@example.com")
    assert (
        "That code is wrong"
        in other.post("/admin/two-factor/", {"token": code(device)}).content.decode()
    )


@ON
@override_settings(OTP_STATIC_THROTTLE_FACTOR=0)  # the codes' own back-off after a wrong one
def test_a_recovery_code_signs_in_once(operator: User) -> None:
    _device, codes = enrolled(operator)
    first = Client()
    sign_in(first, "op@example.com")
    assert first.post("/admin/two-factor/", {"token": f" {codes[0].upper()} "}).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == [codes[1]]

    second = Client()
    sign_in(second, "op@example.com")
    refused = second.post("/admin/two-factor/", {"token": codes[0]})
    assert "That code is wrong" in refused.content.decode()
    assert second.get("/admin/").status_code == 302
    assert second.post("/admin/two-factor/", {"token": codes[1]}).status_code == 302
    assert second.get("/admin/").status_code == 200


@ON
def test_wrong_codes_lock_the_account_like_wrong_passwords(operator: User) -> None:
    device, _codes = enrolled(operator)
    client = Client()
    sign_in(client, "op@example.com")
    for _ in range(4):
        assert (
            "That code is wrong"
            in client.post("/admin/two-factor/", {"token": "000000"}).content.decode()
        )
    locked = client.post("/admin/two-factor/", {"token": "000000"})
    assert locked.status_code == 403
    assert LOCKED in locked.content.decode()
    # The half-signed-in session is over, and the password no longer opens it either.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert LOCKED in sign_in(Client(), "op@example.com").content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


@ON
def test_the_right_password_does_not_reset_the_count_of_wrong_codes(operator: User) -> None:
    enrolled(operator)
    for _ in range(2):
        client = Client()
        sign_in(client, "op@example.com")
        for _ in range(2):
            client.post("/admin/two-factor/", {"token": "000000"})
    client = Client()
    sign_in(client, "op@example.com")
    assert LOCKED in client.post("/admin/two-factor/", {"token": "000000"}).content.decode()


@ON
def test_wrong_codes_lock_the_address_for_every_account(operator: User) -> None:
    for n in range(4):
        user = UserFactory.create(email=f"staff{n}@example.com", is_staff=True)
        enrolled(user)
        client = Client()
        sign_in(client, user.email, address="203.0.113.90")
        for _ in range(4):
            client.post("/admin/two-factor/", {"token": "000000"}, REMOTE_ADDR="203.0.113.90")
    client = Client()
    sign_in(client, f"staff{n}@example.com", address="203.0.113.90")
    assert (
        LOCKED
        in client.post(
            "/admin/two-factor/", {"token": "000000"}, REMOTE_ADDR="203.0.113.90"
        ).content.decode()
    )


def test_off_by_default_in_the_tests_a_password_opens_the_admin(operator: User) -> None:
    client = Client()
    sign_in(client, "op@example.com")
    assert client.get("/admin/").status_code == 200


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_switched_off_an_account_that_enrolled_is_still_asked_for_its_code(operator: User) -> None:
    device, _codes = enrolled(operator)
    client = Client()
    sign_in(client, "op@example.com")
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/?next=")
    client.post("/admin/two-factor/", {"token": code(device)})
    assert client.get("/admin/").status_code == 200


@ON
def test_a_next_address_elsewhere_is_not_followed(operator: User) -> None:
    device, _codes = enrolled(operator)
    client = Client()
    sign_in(client, "op@example.com")
    response = client.post(
        "/admin/two-factor/", {"token": code(device), "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/admin/"


@ON
def test_the_step_pages_send_a_visitor_without_a_session_to_sign_in() -> None:
    for page in ("/admin/two-factor/", "/admin/two-factor/setup/"):
        response = Client().get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@ON
def test_the_step_is_in_french_for_a_french_browser(operator: User) -> None:
    enrolled(operator)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    sign_in(client, "op@example.com")
    page = client.get("/admin/two-factor/").content.decode()
    assert "Saisissez le code" in page
