"""Nobody can lock an owner out of the devices they already use: the per-e-mail login limit
(10 a minute) holds back unknown devices only; a device that signed in to the account before
sends its `device` token and counts on its own (docs/rules/accounts.md, "Throttling")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


def _login(
    client: APIClient, email: str, password: str, address: str, **extra: str
) -> _MonkeyPatchedResponse:
    return client.post(
        TOKEN, {"email": email, "password": password, **extra}, format="json", REMOTE_ADDR=address
    )


def _hammer(client: APIClient, email: str) -> None:
    """Someone else's wrong guesses up to the per-e-mail limit and beyond, each from another
    address (the per-IP limit never bites)."""
    statuses = {
        _login(client, email, "wrong-guess", f"198.51.100.{n}").status_code for n in range(12)
    }
    assert statuses == {401, 429}


@pytest.fixture
def owner() -> User:
    return UserFactory.create(email="victim@example.com")


def test_the_owner_s_known_device_still_signs_in_while_others_hammer_the_email(
    owner: User, api_client: APIClient
) -> None:
    first = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1")
    assert first.status_code == 200
    device = first.json()["device"]
    _hammer(api_client, "victim@example.com")
    # An unknown device is held back by the per-e-mail limit...
    assert _login(api_client, "victim@example.com", PASSWORD, "203.0.113.2").status_code == 429
    # ...the owner's device is not.
    again = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1", device=device)
    assert again.status_code == 200, again.content
    assert again.json()["access"]


def test_a_known_device_has_its_own_limit(owner: User, api_client: APIClient) -> None:
    device = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1").json()["device"]
    statuses = [
        _login(
            api_client, "victim@example.com", "wrong", f"203.0.113.{n}", device=device
        ).status_code
        for n in range(2, 13)
    ]
    # The first login (no token yet) counted against the e-mail, not the device.
    assert statuses == [401] * 10 + [429]


def test_a_device_token_is_for_its_own_account_only(owner: User, api_client: APIClient) -> None:
    UserFactory.create(email="attacker@example.com")
    theirs = _login(api_client, "attacker@example.com", PASSWORD, "203.0.113.9").json()["device"]
    _hammer(api_client, "victim@example.com")
    refused = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.9", device=theirs)
    assert refused.status_code == 429


@pytest.mark.parametrize("device", ["forged", "x" * 400, ""])
def test_a_forged_or_empty_token_is_an_unknown_device(
    owner: User, api_client: APIClient, device: str
) -> None:
    _hammer(api_client, "victim@example.com")
    response = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.3", device=device)
    assert response.status_code == 429


def test_a_too_long_token_is_a_400(owner: User, api_client: APIClient) -> None:
    response = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.3", device="x" * 401)
    assert response.status_code == 400
    assert "device" in response.json()["error"]["details"]


def test_a_device_token_expires_and_each_login_renews_it(
    owner: User, api_client: APIClient
) -> None:
    from django.core import signing

    old = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1").json()["device"]
    renewed = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1", device=old).json()[
        "device"
    ]
    # Same device (same id in it), newer signature.
    payload = signing.loads(renewed, salt="core.api.throttling.login-device")
    assert payload["d"] == signing.loads(old, salt="core.api.throttling.login-device")["d"]
    _hammer(api_client, "victim@example.com")
    with override_settings(LOGIN_DEVICE_DAYS=0):
        expired = _login(api_client, "victim@example.com", PASSWORD, "203.0.113.1", device=old)
    assert expired.status_code == 429
