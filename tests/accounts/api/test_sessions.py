"""GET me/sessions, DELETE me/sessions/{id}, POST auth/logout-all (docs/rules/accounts.md,
"Sessions"): each login is a session with where and when it was used; ending one, or all,
revokes their refresh tokens."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
SESSIONS = "/api/v1/me/sessions"


@pytest.fixture
def user() -> User:
    return UserFactory.create(email="sam@example.com")


def _login(user: User, agent: str, ip: str) -> dict[str, str]:
    answer = APIClient().post(
        TOKEN,
        {"email": user.email, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
    )
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def _as(tokens: dict[str, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client


def _refresh(tokens: dict[str, str], **extra: Any) -> Any:
    return APIClient().post(REFRESH, {"refresh": tokens["refresh"]}, **extra)


def test_each_login_is_a_session_with_where_and_when(user: User) -> None:
    phone = _login(user, "Phone/1.0", "203.0.113.7")
    laptop = _login(user, "Laptop/2.0", "198.51.100.9")
    answer = _as(laptop).get(SESSIONS)
    assert answer.status_code == 200
    listed = answer.json()["results"]
    assert [s["user_agent"] for s in listed] == ["Laptop/2.0", "Phone/1.0"]  # last used first
    assert [s["ip"] for s in listed] == ["198.51.100.9", "203.0.113.7"]
    assert [s["current"] for s in listed] == [True, False]
    for session in listed:
        assert set(session) == {
            "id", "created_at", "last_used_at", "expires_at", "user_agent", "ip", "current"
        }  # fmt: skip
    assert phone["refresh"] != laptop["refresh"]


def test_a_refresh_keeps_the_session_and_records_its_use(user: User) -> None:
    phone = _login(user, "Phone/1.0", "203.0.113.7")
    (before,) = _as(phone).get(SESSIONS).json()["results"]
    rotated = _refresh(phone, HTTP_USER_AGENT="Phone/1.1", REMOTE_ADDR="203.0.113.8")
    assert rotated.status_code == 200
    (after,) = _as(rotated.json()).get(SESSIONS).json()["results"]
    assert after["id"] == before["id"]
    assert after["created_at"] == before["created_at"]
    assert after["last_used_at"] >= before["last_used_at"]
    assert (after["user_agent"], after["ip"]) == ("Phone/1.1", "203.0.113.8")
    assert after["current"] is True


def test_signing_one_device_out_revokes_its_refresh_token_only(user: User) -> None:
    phone = _login(user, "Phone/1.0", "203.0.113.7")
    laptop = _login(user, "Laptop/2.0", "198.51.100.9")
    sessions = _as(laptop).get(SESSIONS).json()["results"]
    phone_id = next(s["id"] for s in sessions if s["user_agent"] == "Phone/1.0")

    assert _as(laptop).delete(f"{SESSIONS}/{phone_id}").status_code == 204
    refused = _refresh(phone)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    assert [s["user_agent"] for s in _as(laptop).get(SESSIONS).json()["results"]] == ["Laptop/2.0"]
    assert _refresh(laptop).status_code == 200
    again = _as(laptop).delete(f"{SESSIONS}/{phone_id}")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "session_not_found"


def test_another_account_s_session_is_not_found(user: User) -> None:
    other = UserFactory.create(email="other@example.com")
    theirs = _login(other, "Theirs/1", "192.0.2.1")
    (their_session,) = _as(theirs).get(SESSIONS).json()["results"]
    mine = _login(user, "Mine/1", "192.0.2.2")
    assert _as(mine).delete(f"{SESSIONS}/{their_session['id']}").status_code == 404
    assert _refresh(theirs).status_code == 200


def test_logout_all_revokes_every_refresh_token(user: User) -> None:
    devices = [_login(user, f"Device/{n}", "192.0.2.10") for n in range(3)]
    assert _as(devices[0]).post("/api/v1/auth/logout-all").status_code == 204
    assert [_refresh(tokens).status_code for tokens in devices] == [401, 401, 401]
    assert _as(devices[1]).get(SESSIONS).json()["results"] == []
    assert APIClient().post("/api/v1/auth/logout-all").status_code == 401


def test_logout_and_a_password_change_end_sessions(user: User) -> None:
    phone = _login(user, "Phone/1.0", "203.0.113.7")
    laptop = _login(user, "Laptop/2.0", "198.51.100.9")
    assert APIClient().post("/api/v1/auth/logout", {"refresh": phone["refresh"]}).status_code == 204
    assert len(_as(laptop).get(SESSIONS).json()["results"]) == 1
    changed = _as(laptop).post(
        "/api/v1/me/password", {"old_password": PASSWORD, "new_password": "Another-pass-42"}
    )
    assert changed.status_code == 204
    assert _refresh(laptop).status_code == 401
    relogin = APIClient().post(
        TOKEN, {"email": user.email, "password": "Another-pass-42"}, HTTP_USER_AGENT="Again/1"
    )
    listed = _as(relogin.json()).get(SESSIONS).json()["results"]
    assert [s["user_agent"] for s in listed] == ["Again/1"]  # only the new login


def test_a_token_from_before_sessions_starts_one(user: User) -> None:
    legacy = RefreshToken.for_user(user)  # no session id in it
    rotated = APIClient().post(REFRESH, {"refresh": str(legacy)}, HTTP_USER_AGENT="Old/1")
    assert rotated.status_code == 200
    (session,) = _as(rotated.json()).get(SESSIONS).json()["results"]
    assert session["user_agent"] == "Old/1"
    assert session["current"] is True


def test_the_list_costs_the_same_queries_whatever_its_length(
    user: User, django_assert_max_num_queries: Any
) -> None:
    tokens = _login(user, "Device/0", "192.0.2.10")
    for n in range(1, 6):
        _login(user, f"Device/{n}", "192.0.2.10")
    client = _as(tokens)
    with django_assert_max_num_queries(4):
        answer = client.get(SESSIONS)
    assert answer.json()["count"] == 6
