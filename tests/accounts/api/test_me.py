from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: APIClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_patch_me_changes_the_profile_fields(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user(email="p@example.com")
    client = client_for(user)
    response = client.patch(
        "/api/v1/me", {"first_name": "Paul", "phone": "+33 6 12 34 56 78"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Paul"
    assert user.phone == "+33 6 12 34 56 78"
    assert (
        user.email == "p@example.com"
    )  # a read-only field sent here: tests/test_read_only_fields.py


def test_patch_me_with_bad_phone_is_400_and_changes_nothing(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user(phone="")
    response = client_for(user).patch("/api/v1/me", {"phone": "call me"}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()["error"]["details"]
    user.refresh_from_db()
    assert user.phone == ""


def test_password_change_signs_out_every_session(
    api_client: APIClient, make_user: Callable[..., User]
) -> None:
    make_user(email="q@example.com")
    first = _login(api_client, "q@example.com")
    second = _login(api_client, "q@example.com")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    response = api_client.post(
        "/api/v1/me/password",
        {"old_password": PASSWORD, "new_password": "another-long-secret-77"},
        format="json",
    )
    assert response.status_code == 204
    # Access tokens issued before the change stop working at once.
    assert api_client.get("/api/v1/me").status_code == 401
    api_client.credentials()
    for pair in (first, second):
        refused = api_client.post("/api/v1/auth/token/refresh", {"refresh": pair["refresh"]})
        assert refused.status_code == 401
    _login(api_client, "q@example.com", "another-long-secret-77")


def test_password_change_needs_the_current_password(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user()
    response = client_for(user).post(
        "/api/v1/me/password",
        {"old_password": "wrong", "new_password": "another-long-secret-77"},
        format="json",
    )
    assert response.status_code == 400
    assert "old_password" in response.json()["error"]["details"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_delete_me_anonymises_and_deactivates(
    api_client: APIClient, make_user: Callable[..., User]
) -> None:
    user = make_user(email="r@example.com", first_name="Rita", phone="+33612345678")
    tokens = _login(api_client, "r@example.com")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.delete("/api/v1/me").status_code == 204
    user.refresh_from_db()
    assert user.email.endswith("@anonymised.invalid")
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert User.objects.filter(pk=user.pk).exists()  # kept for the bookings' accounting
    assert api_client.get("/api/v1/me").status_code == 401
    api_client.credentials()
    assert (
        api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}).status_code
        == 401
    )
    # The address is free again for a new account.
    again = api_client.post(
        "/api/v1/auth/register", {"email": "r@example.com", "password": PASSWORD}, format="json"
    )
    assert again.status_code == 202
    assert User.objects.filter(email="r@example.com").exists()


def test_export_holds_everything_we_know(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user(email="s@example.com", first_name="Sam", phone="+33612345678")
    response = client_for(user).get("/api/v1/me/export")
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["email"] == "s@example.com"
    assert body["profile"]["phone"] == "+33612345678"
    assert body["profile"]["id"] == str(user.public_id)
    assert "attachment" in response["Content-Disposition"]
