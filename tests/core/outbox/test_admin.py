"""The back-office of side effects: operators see events, e-mails and webhook deliveries (read
only), send an e-mail again, replay a delivery, add an endpoint (its secret shown once) and
rotate its secret (their changelists' query counts: tests/test_admin_changelists.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from core.models import EmailNotification, OutboxEvent, WebhookDelivery, WebhookEndpoint
from core.webhooks import endpoints
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.core.outbox.conftest import TEST_TYPE

pytestmark = pytest.mark.django_db
ADMIN = "/admin/core"


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(OperatorFactory.create())
    return client


@pytest.fixture
def events(happen: Any, receiver: Any, django_capture_on_commit_callbacks: Any) -> Any:
    def make(count: int) -> None:
        for n in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                happen(f"thing-{OutboxEvent.objects.count() + n}")

    endpoints.webhook_endpoint_add(url=receiver.url, event_types=[TEST_TYPE], actor=None)
    return make


def test_an_email_shows_its_state_and_is_read_only(operator: Client, events: Any) -> None:
    events(1)
    notification = EmailNotification.objects.get()
    page = operator.get(f"{ADMIN}/emailnotification/{notification.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ana@example.com" in text
    assert 'name="_save"' not in text  # no save button: nothing to edit
    assert operator.post(f"{ADMIN}/emailnotification/{notification.pk}/delete/").status_code == 403


def test_send_again(operator: Client, events: Any, django_capture_on_commit_callbacks: Any) -> None:
    events(1)
    notification = EmailNotification.objects.get()
    assert len(mail.outbox) == 1
    response = operator.post(
        f"{ADMIN}/emailnotification/",
        {"action": "send_again", "_selected_action": [notification.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 e-mail queued again." in response.content.decode()
    assert len(mail.outbox) == 2
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_replay_shows_in_the_attempt_log(operator: Client, events: Any, receiver: Any) -> None:
    events(1)
    delivery = WebhookDelivery.objects.get()
    response = operator.post(
        f"{ADMIN}/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 delivery replayed." in response.content.decode()
    assert len(receiver.received) == 2
    page = operator.get(f"{ADMIN}/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert page.count("&quot;ok&quot;: true") == 2  # both attempts, with the response excerpt


def test_adding_an_endpoint_shows_its_secret_once(operator: Client) -> None:
    response = operator.post(
        f"{ADMIN}/webhookendpoint/add/",
        {
            "url": "https://crm.example.com/hooks",
            "description": "CRM",
            "event_types": [TEST_TYPE],
            "active": "on",
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    change = operator.get(f"{ADMIN}/webhookendpoint/{endpoint.pk}/change/").content.decode()
    listing = operator.get(f"{ADMIN}/webhookendpoint/").content.decode()
    assert endpoint.secret not in change
    assert endpoint.secret not in listing
    assert endpoint.secret[:10] in listing  # the hint that tells two apart


def test_a_bad_url_is_a_form_error(operator: Client) -> None:
    response = operator.post(
        f"{ADMIN}/webhookendpoint/add/",
        {"url": "ftp://crm.example.com/hooks", "event_types": [TEST_TYPE], "active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret_once(operator: Client) -> None:
    made = endpoints.webhook_endpoint_add(
        url="https://crm.example.com/hooks", event_types=[TEST_TYPE], actor=None
    )
    response = operator.post(
        f"{ADMIN}/webhookendpoint/",
        {"action": "rotate_secret", "_selected_action": [made.endpoint_id]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret != made.secret
    assert endpoint.previous_secret == made.secret
    assert endpoint.secret in response.content.decode()


def test_technicians_see_none_of_it() -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, roles=["technician"]))
    for page in ("outboxevent", "emailnotification", "webhookdelivery", "webhookendpoint"):
        assert client.get(f"{ADMIN}/{page}/").status_code == 403
