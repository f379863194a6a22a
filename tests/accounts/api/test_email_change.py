"""POST me/email (docs/rules/accounts.md, "Change of e-mail"): the new address is verified by
a link before it replaces the old one, and the old address is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.links import token_of

pytestmark = pytest.mark.django_db

CHANGE = "/api/v1/me/email"
VERIFY = "/api/v1/auth/verify-email"


@pytest.fixture
def user() -> User:
    return UserFactory.create(email="old@example.com", first_name="Olga")


def test_the_new_address_is_verified_then_replaces_the_old_one_which_is_told(
    user: User, client_for: Callable[[Any], APIClient], commit: Callable[..., Any]
) -> None:
    client = client_for(user)
    asked = commit(
        lambda: client.post(CHANGE, {"new_email": "New@Example.com", "password": PASSWORD})
    )
    assert asked.status_code == 202
    (link_mail,) = mail.outbox
    assert link_mail.to == ["new@example.com"]
    assert link_mail.subject == "Confirm your new e-mail address"
    user.refresh_from_db()
    assert user.email == "old@example.com"  # not before the link is opened

    assert (
        commit(lambda: APIClient().post(VERIFY, {"token": token_of(link_mail)})).status_code == 204
    )
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert user.email_verified_at is not None
    notice = mail.outbox[-1]
    assert notice.to == ["old@example.com"]
    assert notice.subject == "Your e-mail address was changed"
    assert "new@example.com" in notice.body
    login = APIClient().post(
        "/api/v1/auth/token", {"email": "new@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200
    # Used again, the link changes nothing more (and tells nobody again).
    sent = len(mail.outbox)
    again = commit(lambda: APIClient().post(VERIFY, {"token": token_of(link_mail)}))
    assert again.status_code == 204
    assert len(mail.outbox) == sent


def test_the_password_is_required(user: User, client_for: Callable[[Any], APIClient]) -> None:
    answer = client_for(user).post(CHANGE, {"new_email": "new@example.com", "password": "nope-1"})
    assert answer.status_code == 400
    assert "password" in answer.json()["error"]["details"]
    assert mail.outbox == []


def test_a_taken_address_gets_the_same_answer_and_no_link(
    user: User, client_for: Callable[[Any], APIClient], commit: Callable[..., Any]
) -> None:
    UserFactory.create(email="taken@example.com")
    client = client_for(user)
    taken = commit(
        lambda: client.post(CHANGE, {"new_email": "taken@example.com", "password": PASSWORD})
    )
    free = commit(
        lambda: client.post(CHANGE, {"new_email": "free@example.com", "password": PASSWORD})
    )
    assert taken.status_code == free.status_code == 202
    assert taken.json() == free.json()
    assert [m.to for m in mail.outbox] == [["free@example.com"]]


def test_a_link_outlived_by_another_change_or_taken_meanwhile_changes_nothing(
    user: User, client_for: Callable[[Any], APIClient], commit: Callable[..., Any]
) -> None:
    client = client_for(user)
    commit(lambda: client.post(CHANGE, {"new_email": "first@example.com", "password": PASSWORD}))
    first = token_of(mail.outbox[-1])
    commit(lambda: client.post(CHANGE, {"new_email": "second@example.com", "password": PASSWORD}))
    second = token_of(mail.outbox[-1])
    UserFactory.create(email="second@example.com")
    taken = APIClient().post(VERIFY, {"token": second})
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "email_taken"
    assert commit(lambda: APIClient().post(VERIFY, {"token": first})).status_code == 204
    user.refresh_from_db()
    assert user.email == "first@example.com"
    assert APIClient().post(VERIFY, {"token": second}).status_code == 400  # from the old address


def test_the_change_link_is_in_the_account_language(
    client_for: Callable[[Any], APIClient], commit: Callable[..., Any]
) -> None:
    user = UserFactory.create(email="old@example.com", first_name="Léa", language="fr")
    commit(
        lambda: client_for(user).post(CHANGE, {"new_email": "n@example.com", "password": PASSWORD})
    )
    assert mail.outbox[-1].subject == "Confirmez votre nouvelle adresse e-mail"
