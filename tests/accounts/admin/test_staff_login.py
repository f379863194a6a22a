"""The admin's sign-in is throttled and locks out per account and per address
(docs/rules/security.md, "Staff sign-in"); every failure is logged with the client address, never
the password; staff sessions are short."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, OperatorFactory, UserFactory
from tests.conftest import FakeClock

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
WRONG = "wrong-password-1"
LOCKED = "Too many failed sign-in attempts"


def _sign_in(
    client: Client, email: str, password: str, address: str = "203.0.113.5"
) -> _MonkeyPatchedWSGIResponse:
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def operator() -> User:
    return OperatorFactory.create(email="op@example.com")


def test_after_25_wrong_passwords_the_right_one_is_refused(operator: User) -> None:
    client = Client()
    for _ in range(25):
        assert _sign_in(client, "op@example.com", WRONG).status_code == 200
    response = _sign_in(client, "op@example.com", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not _signed_in(client)


def test_the_fifth_failure_locks_the_account_and_says_for_how_long(operator: User) -> None:
    client = Client()
    for _ in range(4):
        page = _sign_in(client, "op@example.com", WRONG).content.decode()
        assert "Please enter the correct" in page
        assert LOCKED not in page
    page = _sign_in(client, "op@example.com", WRONG).content.decode()
    assert f"{LOCKED} for this account or from this address. Try again in 15 minutes." in page
    # From anywhere else too: the account is locked, not only this address.
    elsewhere = _sign_in(Client(), "OP@example.com", PASSWORD, address="198.51.100.9")
    assert LOCKED in elsewhere.content.decode()


def test_the_message_is_in_french_for_a_french_browser(operator: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(5):
        page = _sign_in(client, "op@example.com", WRONG).content.decode()
    assert "Trop de tentatives de connexion" in page
    assert "15 minutes" in page


def test_the_lock_ends_after_the_lockout_time(operator: User, clock: FakeClock) -> None:
    start = datetime.now(UTC)
    clock.set(start)
    client = Client()
    for _ in range(5):
        _sign_in(client, "op@example.com", WRONG)
    clock.set(start + timedelta(minutes=14, seconds=30))
    assert "Try again in 1 minute." in _sign_in(client, "op@example.com", PASSWORD).content.decode()
    clock.set(start + timedelta(minutes=15, seconds=1))
    assert _sign_in(client, "op@example.com", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_a_success_starts_the_count_again(operator: User) -> None:
    for _ in range(4):
        _sign_in(Client(), "op@example.com", WRONG)
    assert _sign_in(Client(), "op@example.com", PASSWORD).status_code == 302
    for _ in range(4):
        _sign_in(Client(), "op@example.com", WRONG)
    assert _sign_in(Client(), "op@example.com", PASSWORD).status_code == 302


def test_an_address_that_fails_20_times_is_locked_out_for_every_account(operator: User) -> None:
    client = Client()
    for n in range(20):
        _sign_in(client, f"guess{n}@example.com", WRONG, address="203.0.113.66")
    refused = _sign_in(client, "op@example.com", PASSWORD, address="203.0.113.66")
    assert LOCKED in refused.content.decode()
    assert not _signed_in(client)
    assert _sign_in(Client(), "op@example.com", PASSWORD, address="203.0.113.67").status_code == 302


def test_every_failure_is_logged_with_the_address_never_the_password(
    operator: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="accounts.security")
    for _ in range(6):
        _sign_in(Client(), "op@example.com", "s3cret-guess-xyz", address="203.0.113.77")
    _sign_in(Client(), "nobody@example.com", "s3cret-guess-xyz", address="203.0.113.78")
    lines = [r for r in caplog.records if r.name == "accounts.security"]
    assert len(lines) == 7
    assert all("s3cret-guess-xyz" not in r.getMessage() for r in lines)
    assert all("s3cret-guess-xyz" not in str(vars(r)) for r in lines)
    # The address is an attribute the request filter adds to the record (not a LogRecord field).
    assert [vars(r)["client_ip"] for r in lines] == ["203.0.113.77"] * 6 + ["203.0.113.78"]
    # The e-mail masked in the line (core.logging.RedactingFilter): enough to tell accounts apart.
    assert "failed staff sign-in for o***@example.com from 203.0.113.77" in lines[0].getMessage()
    assert all("op@example.com" not in str(vars(r)) for r in lines)
    assert "now locked" in lines[4].getMessage()
    assert "refused (locked out)" in lines[5].getMessage()


def test_the_api_is_no_way_round_a_staff_lockout(operator: User, api_client: APIClient) -> None:
    def api_login(password: str) -> int:
        return api_client.post(
            "/api/v1/auth/token", {"email": "op@example.com", "password": password}, format="json"
        ).status_code

    assert [api_login(WRONG) for _ in range(5)] == [401] * 5
    assert api_login(PASSWORD) == 401  # like a wrong password: nothing told to a guesser
    assert LOCKED in _sign_in(Client(), "op@example.com", PASSWORD).content.decode()


def test_customers_are_not_locked_by_the_staff_rule(api_client: APIClient) -> None:
    UserFactory.create(email="marie@example.com")
    for _ in range(6):
        api_client.post(
            "/api/v1/auth/token", {"email": "marie@example.com", "password": WRONG}, format="json"
        )
    ok = api_client.post(
        "/api/v1/auth/token", {"email": "marie@example.com", "password": PASSWORD}, format="json"
    )
    assert ok.status_code == 200


def test_an_administrator_lifts_a_lock(operator: User, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(5):
        _sign_in(Client(), "op@example.com", WRONG, address="203.0.113.90")
    call_command("unlock_staff_login", email="op@example.com")
    assert "unlocked for op@example.com" in capsys.readouterr().out
    assert _sign_in(Client(), "op@example.com", PASSWORD).status_code == 302


def test_the_lockout_still_counts_while_the_shared_cache_is_down(
    operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import services
    from core import cache

    class Down:
        def __getattr__(self, name: str) -> NoReturn:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "shared_cache", Down())
    for _ in range(5):
        _sign_in(Client(), "op@example.com", WRONG)
    assert LOCKED in _sign_in(Client(), "op@example.com", PASSWORD).content.decode()
    services.staff_login_unlock(email="op@example.com")  # the per-process counts outlive the test
    cache.forget_outage()


def test_a_staff_session_ends_8_hours_after_sign_in(operator: User) -> None:
    client = Client()
    before = datetime.now(UTC)
    assert _sign_in(client, "op@example.com", PASSWORD).status_code == 302
    expiry = client.session.get_expiry_date()
    assert before + timedelta(hours=8) <= expiry <= datetime.now(UTC) + timedelta(hours=8)
    # It is an end, not an idle time: using the admin does not push it back.
    client.get("/admin/")
    assert client.session.get_expiry_date() == expiry


@override_settings(STAFF_SESSION_HOURS=2)
def test_the_staff_session_length_is_a_setting(operator: User) -> None:
    client = Client()
    _sign_in(client, "op@example.com", PASSWORD)
    assert client.session.get_expiry_age() <= 2 * 3600
    assert client.session.get_expiry_age() > 2 * 3600 - 60
