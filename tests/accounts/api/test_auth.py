from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
LOGOUT = "/api/v1/auth/logout"


def _register(client: APIClient, email: str = "Alice@Example.COM") -> dict[str, Any]:
    response = client.post(
        REGISTER,
        {"email": email, "password": PASSWORD, "first_name": "Alice", "language": "fr"},
        format="json",
    )
    # 202 since issue 15 (201 with the account before): the same answer for a taken address.
    assert response.status_code == 202, response.content
    body: dict[str, Any] = response.json()
    return body


def test_the_whole_session_life_cycle(api_client: APIClient) -> None:
    body = _register(api_client)
    assert set(body) == {"detail"}

    tokens = api_client.post(
        TOKEN, {"email": "ALICE@example.com", "password": PASSWORD}, format="json"
    ).json()
    assert set(tokens) == {"access", "refresh", "device"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = api_client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "alice@example.com"
    assert me.json()["roles"] == ["customer"]
    assert me.json()["email_verified"] is False
    assert "password" not in me.json()
    api_client.credentials()

    rotated = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh"] != tokens["refresh"]

    # Rotation spent the first refresh token.
    reused = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "token_not_valid"

    assert api_client.post(LOGOUT, {"refresh": new["refresh"]}, format="json").status_code == 204
    after_logout = api_client.post(REFRESH, {"refresh": new["refresh"]}, format="json")
    assert after_logout.status_code == 401
    assert after_logout.json()["error"]["code"] == "token_not_valid"


def test_email_is_unique_whatever_its_case(api_client: APIClient) -> None:
    first = _register(api_client, "bob@example.com")
    response = api_client.post(
        REGISTER, {"email": "BOB@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 202  # as for a new address (no enumeration)
    assert response.json() == first
    assert User.objects.count() == 1


def test_weak_password_is_refused_with_details(api_client: APIClient) -> None:
    response = api_client.post(
        REGISTER, {"email": "c@example.com", "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["password"]
    assert not User.objects.exists()


def test_password_is_hashed_with_argon2_in_production_settings() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_wrong_password_gets_401_without_saying_which_part_is_wrong(
    api_client: APIClient, make_user: Callable[..., User]
) -> None:
    make_user(email="dan@example.com")
    wrong = api_client.post(TOKEN, {"email": "dan@example.com", "password": "x"}, format="json")
    unknown = api_client.post(
        TOKEN, {"email": "nobody@example.com", "password": "x"}, format="json"
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_inactive_user_cannot_log_in(api_client: APIClient, make_user: Callable[..., User]) -> None:
    make_user(email="gone@example.com", is_active=False)
    response = api_client.post(
        TOKEN, {"email": "gone@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 401


def test_garbage_refresh_token_is_401(api_client: APIClient) -> None:
    response = api_client.post(REFRESH, {"refresh": "not.a.jwt"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_access_token_cannot_be_used_as_refresh(
    api_client: APIClient, make_user: Callable[..., User]
) -> None:
    make_user(email="eve@example.com")
    tokens = api_client.post(
        TOKEN, {"email": "eve@example.com", "password": PASSWORD}, format="json"
    ).json()
    response = api_client.post(REFRESH, {"refresh": tokens["access"]}, format="json")
    assert response.status_code == 401
