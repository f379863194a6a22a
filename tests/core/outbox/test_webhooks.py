"""Webhook deliveries: Standard Webhooks signatures (verified with the reference library), the
retry schedule, the attempt log, auto-disable with an operator notice, rotation, replay, and
outbound requests that refuse private networks on the address resolved at delivery time."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core import tasks
from core.clock import utcnow
from core.errors import ValidationFailed
from core.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.webhooks import endpoints, net
from core.webhooks.delivery import RETRY_SCHEDULE, webhook_attempt, webhook_replay
from tests.core.outbox.conftest import TEST_TYPE

pytestmark = pytest.mark.django_db(transaction=True)


def _add(url: str, types: tuple[str, ...] = (TEST_TYPE,)) -> endpoints.EndpointSecret:
    return endpoints.webhook_endpoint_add(url=url, event_types=types, actor=None)


def test_the_secret_is_standard_webhooks_form_and_signs_what_the_library_verifies(
    happen: Any, receiver: Any
) -> None:
    made = _add(receiver.url)
    assert made.secret.startswith("whsec_")
    happen("thing-1", to=())
    (request,) = receiver.received
    assert request.headers["Content-Type"] == "application/json"
    assert set(request.headers) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    payload = Webhook(made.secret).verify(request.body, request.headers)
    assert set(payload) == {"id", "type", "timestamp", "schema_version", "data"}
    assert payload["timestamp"].endswith("Z")
    # A tampered body or another secret fails verification.
    with pytest.raises(WebhookVerificationError):
        Webhook(made.secret).verify(request.body.replace(b"thing-1", b"thing-2"), request.headers)
    other = _add(receiver.url)
    with pytest.raises(WebhookVerificationError):
        Webhook(other.secret).verify(request.body, request.headers)


def test_only_subscribed_active_endpoints_get_the_event(happen: Any, receiver: Any) -> None:
    everything = _add(receiver.url + "?all", ("*",))
    _add(receiver.url + "?other", ("test.other",))
    off = _add(receiver.url + "?off")
    endpoints.webhook_endpoint_set_active(endpoint_id=off.endpoint_id, active=False, actor=None)
    happen("thing-1", to=())
    assert [r.path for r in receiver.received] == ["/hooks?all"]
    assert WebhookDelivery.objects.get().endpoint_id == everything.endpoint_id


def test_unknown_event_types_and_bad_urls_are_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        _add("https://example.com/hooks", ("booking.teleported",))
    assert "booking.teleported" in str(error.value.details["event_types"])
    for url in ("ftp://example.com/x", "example.com/hooks", "https://user:pw@example.com/x"):
        with pytest.raises(ValidationFailed):
            _add(url)
    assert not WebhookEndpoint.objects.exists()


def test_failures_follow_the_published_schedule_then_give_up(
    happen: Any, receiver: Any, clock: Any
) -> None:
    receiver.statuses = [500]
    _add(receiver.url)
    now = utcnow()
    clock.set(now)
    happen("thing-1", to=())
    delivery = WebhookDelivery.objects.get()
    waits = []
    for attempt in range(1, len(RETRY_SCHEDULE) + 1):
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        wait = (delivery.next_attempt_at - now).total_seconds()
        waits.append(wait)
        expected = RETRY_SCHEDULE[attempt - 1]
        assert expected * 0.9 - 0.01 <= wait <= expected * 1.1 + 0.01
        now = delivery.next_attempt_at
        clock.set(now)
        assert tasks.sweep()["webhooks"] == 1  # the sweeper hands it when due
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", len(RETRY_SCHEDULE) + 1)
    assert 24 * 3600 <= sum(waits) <= 30 * 3600  # "about a day"
    log = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert len(log) == len(RETRY_SCHEDULE) + 1
    assert {a.status_code for a in log} == {500}
    assert all("not today" in a.response_excerpt for a in log)
    assert all(a.duration_ms >= 0 for a in log)


def test_an_endpoint_failing_for_days_is_disabled_and_the_operators_told(
    happen: Any, receiver: Any, clock: Any
) -> None:
    receiver.statuses = [503]
    made = _add(receiver.url)
    now = utcnow()
    clock.set(now)
    with override_settings(
        WEBHOOK_DISABLE_AFTER_HOURS=48, WEBHOOK_NOTICE_EMAILS=["ops@example.com"]
    ):
        happen("thing-1", to=())
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.failing_since == now
        assert endpoint.active
        clock.set(now + timedelta(hours=47))
        happen("thing-2", to=())
        assert WebhookEndpoint.objects.get().active
        clock.set(now + timedelta(hours=48, minutes=1))
        happen("thing-3", to=())

    endpoint.refresh_from_db()
    assert not endpoint.active
    assert "48 hours" in endpoint.disabled_reason
    notice = OutboxEvent.objects.get(type="webhook.endpoint_disabled")
    assert notice.aggregate_id == str(made.endpoint_id)
    (message,) = mail.outbox
    assert message.to == ["ops@example.com"]
    assert receiver.url in message.subject
    # Nothing more goes to it; internal events never go to integrations.
    sent = len(receiver.received)
    happen("thing-4", to=())
    assert len(receiver.received) == sent


def test_a_success_resets_the_failing_clock(happen: Any, receiver: Any, clock: Any) -> None:
    receiver.statuses = [500, 200]
    _add(receiver.url)
    now = utcnow()
    clock.set(now)
    happen("thing-1", to=())
    assert WebhookEndpoint.objects.get().failing_since == now
    happen("thing-2", to=())
    assert WebhookEndpoint.objects.get().failing_since is None


def test_rotation_signs_with_both_secrets_for_a_day(happen: Any, receiver: Any, clock: Any) -> None:
    made = _add(receiver.url)
    now = utcnow()
    clock.set(now)
    rotated = endpoints.webhook_secret_rotate(endpoint_id=made.endpoint_id, actor=None)
    assert rotated.secret != made.secret
    happen("thing-1", to=())
    request = receiver.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(made.secret).verify(request.body, request.headers)
    Webhook(rotated.secret).verify(request.body, request.headers)

    clock.set(now + timedelta(hours=25))
    happen("thing-2", to=())
    request = receiver.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    headers = {**request.headers, "webhook-timestamp": str(int(utcnow().timestamp()))}
    with pytest.raises(WebhookVerificationError):
        Webhook(made.secret).verify(request.body, headers)


def test_replay_attempts_a_delivery_again(happen: Any, receiver: Any) -> None:
    _add(receiver.url)
    happen("thing-1", to=())
    delivery = WebhookDelivery.objects.get()
    tasks.hand_webhooks(webhook_replay(delivery_ids=[delivery.pk], actor=None))
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.4",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    assert not net.address_allowed(address)


def test_public_addresses_are_allowed() -> None:
    assert net.address_allowed("93.184.215.14")
    assert net.address_allowed("2606:2800:21f:cb07:6820:80da:af6b:8b2c")


def test_the_check_is_on_the_address_resolved_at_delivery_time(
    happen: Any, receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolved to a public address when the endpoint was added and to loopback
    now (DNS rebinding) is refused: the delivery is logged as refused, nothing is sent."""
    _add(f"http://hooks.example.com:{receiver.port}/hooks")
    real = socket.getaddrinfo

    def rebound(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.example.com":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False):
        happen("thing-1", to=())
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert "Refused" in attempt.error
    assert "127.0.0.1" in attempt.error
    assert WebhookDelivery.objects.get().status == "pending"  # retried: the DNS may be fixed

    # Allowed explicitly (a test bench), the same name is called on the address it resolved to.
    with override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True):
        tasks.hand_webhooks(
            webhook_replay(delivery_ids=[WebhookDelivery.objects.get().pk], actor=None)
        )
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["Host"] == f"hooks.example.com:{receiver.port}"


def test_a_receiver_that_never_answers_times_out_quickly(happen: Any) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        _add(f"http://127.0.0.1:{silent.getsockname()[1]}/hooks")
        with override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True, WEBHOOK_TIMEOUT_SECONDS=0.5):
            happen("thing-1", to=())
    finally:
        silent.close()
    attempt = WebhookAttempt.objects.get()
    assert "timed out" in attempt.error
    assert attempt.duration_ms < 3000


def test_a_delivery_body_is_the_event(happen: Any, receiver: Any) -> None:
    _add(receiver.url)
    event_id = happen("thing-9", to=())
    body = json.loads(receiver.received[0].body)
    assert body["id"] == str(event_id)
    assert body["schema_version"] == 1
    assert body["data"]["name"] == "thing-9"


def test_a_disabled_endpoint_gets_nothing_even_when_a_delivery_was_pending(
    happen: Any, receiver: Any
) -> None:
    receiver.statuses = [500]
    made = _add(receiver.url)
    happen("thing-1", to=())
    endpoints.webhook_endpoint_set_active(endpoint_id=made.endpoint_id, active=False, actor=None)
    delivery = WebhookDelivery.objects.get()
    assert webhook_attempt(delivery_id=delivery.pk).claimed
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert len(receiver.received) == 1
