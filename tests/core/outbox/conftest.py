"""A stand-in domain: the event type `test.happened` (public, so webhooks may subscribe) whose
e-mail consumer writes to each address of its payload's "to"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from core import dispatch
from core.dispatch import Consumer, Event, Writer
from core.emails import OutgoingEmail, queue_writer
from core.outbox import emit
from tests.sinks import SmtpSink, WebhookReceiver, smtp_fixture, start_receiver

TEST_TYPE = "test.happened"


def _emails(event: Event) -> Writer | None:
    recipients = event.payload.get("to", [])
    if not recipients:
        return None
    return queue_writer(
        event_id=event.id,
        emails=[
            OutgoingEmail(
                recipient=address,
                kind=event.type,
                subject=f"Something happened: {event.aggregate_id}",
                text=f"Hello {address}, {event.aggregate_id} happened.",
                html=f"<p>{event.aggregate_id} happened.</p>",
            )
            for address in recipients
        ],
    )


@pytest.fixture(autouse=True)
def test_domain() -> Iterator[None]:
    dispatch.register_public_event_types(
        {TEST_TYPE: "something happened (tests only)", "test.other": "something else"}
    )
    dispatch.register_consumer(
        Consumer(name="tests.emails", prepare=_emails, event_types=frozenset({TEST_TYPE}))
    )
    yield
    dispatch.unregister_consumer("tests.emails")


@pytest.fixture
def happen() -> Callable[..., Any]:
    """Emits `test.happened` in its own committed transaction (as a use case would)."""

    def _happen(
        name: str = "thing-1", to: tuple[str, ...] = ("ana@example.com",), **kw: Any
    ) -> Any:
        with transaction.atomic():
            return emit(
                TEST_TYPE,
                {"name": name, "to": list(to)},
                aggregate_type="thing",
                aggregate_id=name,
                **kw,
            )

    return _happen


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    stop = start_receiver(receiver)
    with override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True):
        yield receiver
    stop()


@pytest.fixture
def smtp_sink() -> SmtpSink:
    return SmtpSink()


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> Iterator[Any]:
    for running in smtp_fixture(smtp_sink):
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=running.port,
            EMAIL_USE_TLS=False,
            EMAIL_TIMEOUT=5,
        ):
            yield running
