"""The world a real worker serves: the test's data committed (transactional), an SMTP sink and
a webhook receiver on loopback, a worker and gunicorn started on the run's own queue."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from core.webhooks import endpoints
from tests.bookings.factories import World, at, make_world
from tests.sinks import SmtpSink, WebhookReceiver, start_receiver, start_smtp
from tests.worker import stack as stacks


@dataclass
class Live:
    world: World
    smtp: SmtpSink
    receiver: WebhookReceiver
    secret: str
    stack: stacks.Stack
    port: int = 0

    def book(self, customer: Any, vehicle: Any, start: Any, key: str) -> tuple[int, dict[str, Any]]:
        from accounts import services as account_services

        token = account_services._pair_for(customer).access
        body = json.dumps(
            {
                "vehicle": str(vehicle.public_id),
                "service": self.world.service.code,
                "site": str(self.world.site.public_id),
                "start": start.isoformat(),
            }
        )
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(
                "POST",
                "/api/v1/bookings",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": key,
                },
            )
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()


@pytest.fixture
def live_world(transactional_db: None, role_groups: None, tmp_path: Any) -> Iterator[Live]:
    world = make_world(resources=13)
    smtp = SmtpSink()
    running, stop_smtp = start_smtp(smtp)
    receiver = WebhookReceiver()
    stop_receiver = start_receiver(receiver)
    made = endpoints.webhook_endpoint_add(
        url=receiver.url, event_types=["booking.created"], actor=None
    )
    stack = stacks.stack_env(
        database=stacks.database_url(connection.settings_dict),
        smtp_port=running.port,
        logs=tmp_path,
        WEBHOOK_ALLOW_PRIVATE_NETWORKS="true",
        # Scaled down for CI; the one-minute outage by hand runs with production's 10 s and 900 s.
        EMAIL_RETRY_BASE_SECONDS=os.environ.get("WORKER_TEST_RETRY_BASE_SECONDS", "0.5"),
        EMAIL_RETRY_MAX_SECONDS=os.environ.get("WORKER_TEST_RETRY_MAX_SECONDS", "2"),
    )
    try:
        yield Live(world=world, smtp=smtp, receiver=receiver, secret=made.secret, stack=stack)
    finally:
        stop_receiver()
        stop_smtp()


SLOTS = [(hour, 0) for hour in (8, 9, 10, 11, 14, 15, 16, 17)]


def slots(world: World, count: int) -> list[Any]:
    """`count` distinct starts on the world's day (13 bays x 8 hours)."""
    starts = [at(world.day, hour, minute) for hour, minute in SLOTS]
    return [starts[n % len(starts)] for n in range(count)]
