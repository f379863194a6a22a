"""POST auth/password-reset and auth/password-reset/confirm (docs/rules/accounts.md, "Password
reset"): the same answer whatever the address, a link only to an account, a token that works
once, expires and cannot be forged, every session signed out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.links import token_of

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
NEW_PASSWORD = "a-brand-new-passphrase-77"


@pytest.fixture
def send(api_client: APIClient, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Posts to the reset endpoint and runs what its commit hands to the worker (eager)."""

    def _send(email: str, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(RESET, {"email": email}, format="json", **extra)

    return _send


@pytest.fixture
def user() -> User:
    return UserFactory.create(email="alice@example.com", first_name="Alice")


def test_an_account_gets_a_link_and_an_unknown_address_the_same_answer(
    send: Callable[..., Any], user: User, settings: Any
) -> None:
    settings.PASSWORD_RESET_URL = "https://app.example.com/reset"
    known = send("Alice@Example.com")
    unknown = send("nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert "check your e-mail" in known.json()["detail"].lower()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    message = mail.outbox[0]
    assert "https://app.example.com/reset?token=" in message.body
    assert "60 minutes" in message.body
    assert message.subject == "Choose a new password"


def test_the_token_sets_the_password_once_and_signs_every_session_out(
    send: Callable[..., Any], user: User, api_client: APIClient
) -> None:
    pair = services._pair_for(user)
    send(user.email)
    token = token_of(mail.outbox[-1])

    done = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD}, format="json")
    assert done.status_code == 204, done.content

    login = api_client.post(TOKEN, {"email": user.email, "password": NEW_PASSWORD}, format="json")
    assert login.status_code == 200
    old = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")
    assert old.status_code == 401
    # Every refresh token issued before is revoked, every access token rejected.
    refreshed = api_client.post(REFRESH, {"refresh": pair.refresh}, format="json")
    assert refreshed.status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    assert api_client.get("/api/v1/me").status_code == 401
    api_client.credentials()

    reused = api_client.post(CONFIRM, {"token": token, "new_password": "yet-another-one-88"})
    assert reused.status_code == 400
    assert reused.json()["error"]["code"] == "password_reset_token_invalid"
    assert "token" in reused.json()["error"]["details"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),  # the signature
        lambda t: "0" * 32 + t[32:],  # another account's id
        lambda t: t.replace(".", ""),  # not our format
        lambda t: "not-a-token",
        lambda t: t.split(".")[1],  # Django's token without the account
    ],
)
def test_a_tampered_token_is_refused(
    send: Callable[..., Any], user: User, api_client: APIClient, tamper: Callable[[str], str]
) -> None:
    send(user.email)
    token = token_of(mail.outbox[-1])
    answer = api_client.post(CONFIRM, {"token": tamper(token), "new_password": NEW_PASSWORD})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "password_reset_token_invalid"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.fixture
def made_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Makes Django's token generator read another time than now."""
    real = PasswordResetTokenGenerator._now

    def _set(moment: datetime) -> None:
        monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: moment)

    yield _set
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", real)


@pytest.mark.parametrize(("age_minutes", "works"), [(59, True), (61, False)])
def test_the_token_expires_after_an_hour_by_default(
    send: Callable[..., Any],
    user: User,
    api_client: APIClient,
    made_at: Callable[[datetime], None],
    age_minutes: int,
    works: bool,
) -> None:
    made_at(datetime.now() - timedelta(minutes=age_minutes))
    send(user.email)
    token = token_of(mail.outbox[-1])
    made_at(datetime.now())
    answer = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})
    assert answer.status_code == (204 if works else 400), answer.content


def test_the_timeout_is_a_setting(
    send: Callable[..., Any],
    user: User,
    api_client: APIClient,
    made_at: Callable[[datetime], None],
    settings: Any,
) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 600
    made_at(datetime.now() - timedelta(minutes=11))
    send(user.email)
    assert "10 minutes" in mail.outbox[-1].body
    token = token_of(mail.outbox[-1])
    made_at(datetime.now())
    answer = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})
    assert answer.status_code == 400


def test_the_password_validators_apply_and_the_token_stays_usable(
    send: Callable[..., Any], user: User, api_client: APIClient
) -> None:
    send(user.email)
    token = token_of(mail.outbox[-1])
    weak = api_client.post(CONFIRM, {"token": token, "new_password": "12345678"})
    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "validation_error"
    assert weak.json()["error"]["details"]["password"]
    answer = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})
    assert answer.status_code == 204


def test_a_closed_or_inactive_account_gets_nothing(send: Callable[..., Any]) -> None:
    closed = UserFactory.create(email="closed@example.com")
    services.user_delete_account(user=closed, actor=closed)
    UserFactory.create(email="inactive@example.com", is_active=False)
    assert send("inactive@example.com").status_code == 202
    assert mail.outbox == []


def test_an_account_without_a_password_claims_it_by_a_reset(
    send: Callable[..., Any], api_client: APIClient
) -> None:
    """A walk-in customer created by an operator (no usable password) sets one this way."""
    walk_in = UserFactory.create(email="walkin@example.com", password=None)
    walk_in.set_unusable_password()
    walk_in.save()
    send("walkin@example.com")
    token = token_of(mail.outbox[-1])
    answer = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})
    assert answer.status_code == 204
    walk_in.refresh_from_db()
    assert walk_in.check_password(NEW_PASSWORD)


def test_the_email_is_in_the_account_language(send: Callable[..., Any]) -> None:
    UserFactory.create(email="marie@example.com", first_name="Marie", language="fr")
    send("marie@example.com")
    message = mail.outbox[-1]
    assert message.subject == "Choisissez un nouveau mot de passe"
    assert "Bonjour Marie" in message.body
    assert "60 minutes" in message.body


def test_reset_requests_are_throttled_per_address(
    send: Callable[..., Any], user: User, settings: Any
) -> None:
    for _ in range(5):
        assert send(user.email, REMOTE_ADDR=f"10.0.0.{_ + 1}").status_code == 202
    refused = send(user.email.upper(), REMOTE_ADDR="10.0.0.99")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["details"]["retry_after_seconds"] > 0
    assert len(mail.outbox) == 5
    # Another address is counted on its own.
    assert send("someone@example.com", REMOTE_ADDR="10.0.0.98").status_code == 202


def test_confirm_is_throttled_per_client_address(api_client: APIClient) -> None:
    answers = [
        api_client.post(CONFIRM, {"token": "x" * 40, "new_password": NEW_PASSWORD}).status_code
        for _ in range(11)
    ]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429


def test_the_request_writes_the_same_event_whatever_the_address(
    api_client: APIClient, user: User
) -> None:
    """Constant work: one event either way, the account is looked up by the worker only."""
    from core.models import OutboxEvent

    api_client.post(RESET, {"email": user.email})
    api_client.post(RESET, {"email": "nobody@example.com"})
    events = list(OutboxEvent.objects.order_by("occurred_at").values("type", "payload"))
    assert [e["type"] for e in events] == ["account.password_reset_requested"] * 2
    assert set(events[0]["payload"]) == set(events[1]["payload"]) == {"email", "admin_origin"}
