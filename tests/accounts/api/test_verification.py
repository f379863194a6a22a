"""E-mail verification (docs/rules/accounts.md, "E-mail verification"): registration e-mails a
link, POST auth/verify-email confirms it, POST auth/verify-email/resend is throttled, and a
setting decides whether an unverified customer may book."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail, signing
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.links import token_of
from tests.bookings.factories import at, make_world

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"


def _register(api_client: APIClient, commit: Callable[..., Any], email: str, **extra: Any) -> Any:
    return commit(
        lambda: api_client.post(REGISTER, {"email": email, "password": PASSWORD, **extra})
    )


def test_registration_emails_a_link_that_verifies_the_address(
    api_client: APIClient, commit: Callable[..., Any], settings: Any
) -> None:
    settings.EMAIL_VERIFICATION_URL = "https://app.example.com/verify"
    assert _register(api_client, commit, "Eve@Example.com").status_code == 202
    (message,) = mail.outbox
    assert message.to == ["eve@example.com"]
    assert message.subject == "Confirm your e-mail address"
    assert "https://app.example.com/verify?token=" in message.body
    assert "72 hours" in message.body
    user = User.objects.get(email="eve@example.com")
    assert user.email_verified_at is None

    assert api_client.post(VERIFY, {"token": token_of(message)}).status_code == 204
    user.refresh_from_db()
    assert user.email_verified_at is not None
    # Used again, the link changes nothing and says nothing worse.
    first = user.email_verified_at
    assert api_client.post(VERIFY, {"token": token_of(message)}).status_code == 204
    user.refresh_from_db()
    assert user.email_verified_at == first


def test_the_verification_email_is_in_the_account_language(
    api_client: APIClient, commit: Callable[..., Any]
) -> None:
    _register(api_client, commit, "jean@example.com", first_name="Jean", language="fr")
    assert mail.outbox[-1].subject == "Confirmez votre adresse e-mail"
    assert "Bonjour Jean" in mail.outbox[-1].body


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
        lambda t: signing.dumps({"u": "0" * 32, "e": "x@example.com"}),  # not our salt
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused_and_says_how_to_get_another(
    api_client: APIClient, commit: Callable[..., Any], tamper: Callable[[str], str]
) -> None:
    _register(api_client, commit, "eve@example.com")
    answer = api_client.post(VERIFY, {"token": tamper(token_of(mail.outbox[-1]))})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "email_verification_token_invalid"
    assert "/api/v1/auth/verify-email/resend" in error["message"]
    assert User.objects.get(email="eve@example.com").email_verified_at is None


def test_an_expired_token_is_refused(
    api_client: APIClient, commit: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(api_client, commit, "eve@example.com")
    token = token_of(mail.outbox[-1])
    later = time.time() + timedelta(days=3, minutes=1).total_seconds()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    answer = api_client.post(VERIFY, {"token": token})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "email_verification_token_invalid"


def test_resend_sends_another_link_and_is_throttled(
    commit: Callable[..., Any], client_for: Callable[[Any], APIClient]
) -> None:
    user = UserFactory.create(email="eve@example.com")
    client = client_for(user)
    for _ in range(3):
        answer = commit(lambda: client.post(RESEND))
        assert answer.status_code == 202
        assert "new verification link" in answer.json()["detail"]
    assert len(mail.outbox) == 3
    refused = commit(lambda: client.post(RESEND))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"
    assert refused.json()["error"]["details"]["retry_after_seconds"] > 0
    assert len(mail.outbox) == 3
    assert APIClient().post(VERIFY, {"token": token_of(mail.outbox[0])}).status_code == 204


def test_resend_to_a_verified_address_sends_nothing(
    commit: Callable[..., Any], client_for: Callable[[Any], APIClient]
) -> None:
    from django.utils import timezone

    user = UserFactory.create(email="eve@example.com", email_verified_at=timezone.now())
    answer = commit(lambda: client_for(user).post(RESEND))
    assert answer.status_code == 202
    assert "verified already" in answer.json()["detail"]
    assert mail.outbox == []


def test_resend_needs_a_signed_in_account(api_client: APIClient) -> None:
    assert api_client.post(RESEND).status_code == 401


def test_a_link_for_a_former_address_verifies_nothing(
    api_client: APIClient, commit: Callable[..., Any]
) -> None:
    _register(api_client, commit, "eve@example.com")
    token = token_of(mail.outbox[-1])
    User.objects.filter(email="eve@example.com").update(email="eve@elsewhere.example")
    assert api_client.post(VERIFY, {"token": token}).status_code == 400


def test_a_password_reset_verifies_the_address(
    api_client: APIClient, commit: Callable[..., Any]
) -> None:
    user = UserFactory.create(email="eve@example.com")
    commit(lambda: api_client.post("/api/v1/auth/password-reset", {"email": user.email}))
    token = token_of(mail.outbox[-1])
    api_client.post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "new_password": "new-pass-word-99"}
    )
    user.refresh_from_db()
    assert user.email_verified_at is not None


def _book(client: APIClient, world: Any) -> Any:
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
    }
    return client.post("/api/v1/bookings", body, format="json")


def test_by_default_an_unverified_customer_may_book(
    clock: Any, client_for: Callable[[Any], APIClient]
) -> None:
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    assert world.customer.email_verified_at is None
    assert _book(client_for(world.customer), world).status_code == 201


def test_when_required_the_refusal_says_why_and_how_to_resend(
    clock: Any, client_for: Callable[[Any], APIClient], settings: Any, commit: Callable[..., Any]
) -> None:
    settings.BOOKING_REQUIRES_VERIFIED_EMAIL = True
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    client = client_for(world.customer)
    refused = _book(client, world)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "email_not_verified"
    assert "Verify your e-mail address" in error["message"]
    assert "POST /api/v1/auth/verify-email/resend" in error["message"]
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
    }
    french = client.post("/api/v1/bookings", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["error"]["code"] == "email_not_verified"
    assert "Vérifiez votre adresse e-mail" in french.json()["error"]["message"]

    commit(lambda: client.post(RESEND))
    assert APIClient().post(VERIFY, {"token": token_of(mail.outbox[-1])}).status_code == 204
    assert _book(client, world).status_code == 201


def test_operators_book_for_unverified_customers_whatever_the_setting(
    clock: Any, client_for: Callable[[Any], APIClient], settings: Any
) -> None:
    from bookings import services as booking_services

    settings.BOOKING_REQUIRES_VERIFIED_EMAIL = True
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    booking = booking_services.booking_create(
        actor=world.operator,
        customer_id=world.customer.pk,
        request=booking_services.BookingRequest(
            vehicle_id=world.vehicle.public_id,
            service_code=world.service.code,
            site_id=world.site.public_id,
            start=at(world.day, 10),
        ),
    )
    assert booking.customer == world.customer
