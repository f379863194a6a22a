"""The admin's "Forgotten your password?" for staff (docs/rules/accounts.md, "Password reset"):
Django's pages, the e-mail through the worker, and a new password signs every session out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils.http import urlsafe_base64_decode

from accounts import services
from core.models import EmailNotification
from tests.accounts.factories import PASSWORD, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-77"


def _ask(client: Client, email: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post("/admin/password-reset/", {"email": email})


def test_the_login_page_offers_it_and_staff_set_a_new_password(
    django_capture_on_commit_callbacks: Any,
) -> None:
    operator = OperatorFactory.create(email="op@example.com")
    pair = services._pair_for(operator)
    client = Client()
    login = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password-reset/"' in login

    assert "Car service back-office" in client.get("/admin/password-reset/").content.decode()
    asked = _ask(client, "OP@example.com", django_capture_on_commit_callbacks)
    assert asked.status_code == 302
    assert asked["Location"] == "/admin/password-reset/done/"
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/admin/password-reset/\S+/\S+/)", str(message.body))
    assert link, message.body
    uid = urlsafe_base64_decode(link.group(1).split("/")[3]).decode()
    assert uid == operator.public_id.hex  # the public id, never the integer key

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == "/admin/password-reset/complete/"
    operator.refresh_from_db()
    assert operator.check_password(NEW_PASSWORD)
    # Signed out of the API too.
    refreshed = Client().post(
        "/api/v1/auth/token/refresh", {"refresh": pair.refresh}, content_type="application/json"
    )
    assert refreshed.status_code == 401
    # The link worked once.
    assert "new_password1" not in client.get(link.group(1), follow=True).content.decode()


def test_a_customer_or_an_unknown_address_gets_the_same_page_and_no_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory.create(email="customer@example.com")
    client = Client()
    for email in ("customer@example.com", "nobody@example.com"):
        asked = _ask(client, email, django_capture_on_commit_callbacks)
        assert asked.status_code == 302
        assert asked["Location"] == "/admin/password-reset/done/"
    assert mail.outbox == []


def test_the_admin_does_not_show_the_reset_link(
    django_capture_on_commit_callbacks: Any, admin_client: Client
) -> None:
    OperatorFactory.create(email="op@example.com")
    _ask(Client(), "op@example.com", django_capture_on_commit_callbacks)
    notification = EmailNotification.objects.get(kind="account_password_reset")
    page = admin_client.get(f"/admin/core/emailnotification/{notification.pk}/change/")
    assert page.status_code == 200
    assert (
        "/admin/password-reset/"
        not in page.content.decode().split("<body", 1)[1].split('id="content"', 1)[1]
    )
    assert "Not shown" in page.content.decode()
    assert PASSWORD not in page.content.decode()
