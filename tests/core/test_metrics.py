"""/metrics (core.metrics): refused to a peer outside METRICS_ALLOWED_NETWORKS unless it sends
METRICS_TOKEN, served in Prometheus's format otherwise, with the series of issue 14; a booking
through the API moves the request, query and booking series. The multiprocess mode across both
app servers of the stack: tests/deploy/test_stack.py."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client

from core.client_ip import parse_networks
from tests.bookings.factories import at, make_world

SERIES = (
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "http_request_db_queries_bucket",
    "bookings_created_total",
    "booking_lost_races_total",
    "booking_cancellations_total",
    "booking_cancellation_fees_total",
    "booking_expiries_total",
    "availability_computation_seconds_bucket",
    "celery_tasks_total",
    "celery_task_duration_seconds_bucket",
    "outbox_oldest_undispatched_age_seconds",
    "outbox_undispatched_events",
    "webhook_delivery_failures_total",
)


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})? (\S+)$", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            total += float(match.group(2))
    return total


def _scrape(client: Client, **extra: Any) -> Any:
    return client.get("/metrics", **extra)


@pytest.mark.django_db
def test_metrics_are_refused_outside_the_allowed_networks(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_NETWORKS = parse_networks(["10.0.0.0/8"])
    settings.METRICS_TOKEN = ""
    assert _scrape(client).status_code == 404  # the test client is 127.0.0.1
    assert _scrape(client, REMOTE_ADDR="10.1.2.3").status_code == 200
    # Behind a proxy the forwarded address is never believed for this.
    refused = _scrape(client, HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert refused.status_code == 404


@pytest.mark.django_db
def test_a_token_opens_metrics_from_anywhere(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_NETWORKS = parse_networks([])
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert _scrape(client).status_code == 404
    assert _scrape(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    served = _scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain; version=")


@pytest.mark.django_db
def test_a_booking_moves_the_request_query_and_booking_series(
    client: Client, client_for: Any, role_groups: None, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world(resources=1)
    before = _scrape(client).content.decode()
    api = client_for(world.customer)
    with caplog.at_level(logging.INFO, logger="core.access"):
        response = api.post(
            "/api/v1/bookings",
            {
                "vehicle": str(world.vehicle.public_id),
                "service": world.service.code,
                "site": str(world.site.public_id),
                "start": at(world.day, 10).isoformat(),
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="metrics-1",
        )
    assert response.status_code == 201, response.content
    after = _scrape(client).content.decode()
    for name in SERIES:
        assert f"# TYPE {name.removesuffix('_bucket')}" in after or name in after, name
    route = "/api/v1/bookings"
    key = {"route": route, "method": "POST", "status": "201"}
    assert (
        value(after, "http_requests_total", **key)
        == value(before, "http_requests_total", **key) + 1
    )
    assert value(after, "bookings_created_total") == value(before, "bookings_created_total") + 1
    queries = value(after, "http_request_db_queries_sum", route=route) - value(
        before, "http_request_db_queries_sum", route=route
    )
    assert queries >= 3
    # The access line carries the same facts (JSON fields in production's log format).
    line = next(r for r in caplog.records if getattr(r, "route", None) == route)
    assert line.status == 201  # type: ignore[attr-defined]
    assert line.queries == queries  # type: ignore[attr-defined]
    assert line.user_id == str(world.customer.public_id)  # type: ignore[attr-defined]
