"""Prometheus metrics (docs/adr/0012-prometheus-client-multiprocess.md, rules: observability).

Each series is a prometheus_client object defined once, at import, by the module that owns what
it counts (core: requests, queries, tasks, the outbox, webhooks; bookings: bookings, races,
cancellations, expiries; scheduling: availability). With PROMETHEUS_MULTIPROC_DIR set (production:
gunicorn's workers, both app servers of one machine and the worker's processes share it) every
process writes its values to files there and `/metrics` adds them up; without it (a first run,
the tests) the process's own registry is served.

`/metrics` answers only a client from METRICS_ALLOWED_NETWORKS (the direct peer's address, never
X-Forwarded-For: behind nginx every client would be nginx) or one sending
`Authorization: Bearer <METRICS_TOKEN>`; anyone else gets 404. nginx never serves it
(deploy/nginx.conf): Prometheus scrapes each app server directly."""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["Counter", "Histogram", "metrics_view"]

# Seconds; the API's answers are mostly 5-100 ms, the slow tail is what matters.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
QUERY_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by route (the URL pattern), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by route, method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Histogram(
    "http_request_db_queries",
    "Database queries run while answering one request, by route.",
    ["route"],
    buckets=QUERY_BUCKETS,
)
TASKS = Counter(
    "celery_tasks_total",
    "Celery tasks run by the worker, by task name and outcome (success, failure, retry).",
    ["task", "outcome"],
)
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Time a Celery task ran, by task name and outcome.",
    ["task", "outcome"],
    buckets=LATENCY_BUCKETS,
)
WEBHOOK_FAILURES = Counter(
    "webhook_delivery_failures_total",
    "Webhook delivery attempts that failed (refused, timed out, not 2xx).",
)
EMAIL_FAILURES = Counter(
    "email_send_failures_total",
    "E-mail sending attempts that failed (to be retried or given up).",
)


def observe_request(*, route: str, method: str, status: int, seconds: float, queries: int) -> None:
    labels = (route, method, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_LATENCY.labels(*labels).observe(seconds)
    DB_QUERIES.labels(route).observe(queries)


def observe_task(*, task: str, outcome: str, seconds: float | None) -> None:
    TASKS.labels(task, outcome).inc()
    if seconds is not None:
        TASK_DURATION.labels(task, outcome).observe(seconds)


class OutboxCollector(Collector):
    """Read at scrape time from the database: how far the relay is behind."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min

        from core.models import OutboxEvent

        found = OutboxEvent.objects.filter(dispatched_at__isnull=True).aggregate(
            oldest=Min("occurred_at"), count=Count("id")
        )
        oldest = found["oldest"]
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        lag = GaugeMetricFamily(
            "outbox_oldest_undispatched_age_seconds",
            "Age of the oldest domain event not yet handed to its consumers (0: none waiting).",
        )
        lag.add_metric([], max(age, 0.0))
        yield lag
        waiting = GaugeMetricFamily(
            "outbox_undispatched_events", "Domain events not yet handed to their consumers."
        )
        waiting.add_metric([], found["count"])
        yield waiting


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessRegistry())
    registry.register(OutboxCollector())
    return registry


class _ProcessRegistry(Collector):
    """This process's own series (no multiprocess directory)."""

    def collect(self) -> Iterator[object]:  # type: ignore[override]
        yield from REGISTRY.collect()


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip(), token):
            return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponseNotFound()  # nothing to tell an outsider, not even that it exists
    started = time.perf_counter()
    body = generate_latest(_registry())
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["X-Scrape-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response
