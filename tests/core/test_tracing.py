"""OpenTelemetry tracing (core.tracing, docs/rules/observability.md "Traces"): off unless the
standard OTEL_* variables ask; when on, a request is a Django server span with its queries as
psycopg child spans, a task a Celery span, and the log lines carry the trace id. Spans are caught
by the SDK's in-memory exporter."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from core import tracing
from core.logging import JsonFormatter, RedactingFilter, RequestIdFilter

ON = {"OTEL_SERVICE_NAME": "carservice-test"}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure(ON, exporter=exporter, set_global=False) is not None
    try:
        yield exporter
    finally:
        tracing.shutdown()


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """The access log as production writes it (JSON, the configured filters)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("core.access")
    access.addHandler(handler)
    try:
        yield stream
    finally:
        access.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "carservice"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "console,otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_SERVICE_NAME": "carservice"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
    ],
)
def test_the_standard_variables_switch_it_on(environ: dict[str, str], on: bool) -> None:
    assert tracing.wanted(environ) is on


def test_an_unknown_exporter_is_a_start_up_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="OTEL_TRACES_EXPORTER"):
        tracing.configure({"OTEL_TRACES_EXPORTER": "zipkin"})
    assert tracing.configure({}) is None


@pytest.mark.django_db
def test_off_by_default_a_request_makes_no_span_and_no_trace_id(access_lines: io.StringIO) -> None:
    exporter = InMemorySpanExporter()
    assert tracing.configure({}, exporter=exporter) is None
    assert not DjangoInstrumentor().is_instrumented_by_opentelemetry
    assert Client().get("/api/v1/services").status_code == 200
    assert exporter.get_finished_spans() == ()
    (line,) = _lines(access_lines)
    assert line["route"] == "/api/v1/services"
    assert "trace_id" not in line


@pytest.mark.django_db
def test_a_request_is_a_server_span_and_its_log_line_carries_the_trace_id(
    spans: InMemorySpanExporter, access_lines: io.StringIO
) -> None:
    response = Client().get("/api/v1/services", HTTP_X_REQUEST_ID="req-trace-0001")
    assert response.status_code == 200
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.name == "GET api/v1/services"
    assert server.attributes is not None
    assert server.attributes["http.status_code"] == 200
    assert server.resource.attributes["service.name"] == "carservice-test"
    (line,) = _lines(access_lines)
    assert line["request_id"] == "req-trace-0001"
    assert line["trace_id"] == format(server.context.trace_id, "032x")
    assert line["span_id"] == format(server.context.span_id, "016x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_requests_queries_are_psycopg_child_spans_of_its_server_span(
    spans: InMemorySpanExporter,
) -> None:
    connection.close()  # the next connection is made through the instrumented psycopg.connect
    assert Client().get("/api/v1/services").status_code == 200
    finished = spans.get_finished_spans()
    (server,) = [s for s in finished if s.kind == SpanKind.SERVER]
    queries = [s for s in finished if s.kind == SpanKind.CLIENT]
    assert queries, [s.name for s in finished]
    for query in queries:
        assert query.attributes is not None
        assert query.attributes["db.system"] == "postgresql"
        assert query.parent is not None
        assert query.parent.span_id == server.context.span_id
        assert query.context.trace_id == server.context.trace_id


@pytest.mark.django_db
def test_a_task_is_a_celery_span(spans: InMemorySpanExporter) -> None:
    from core.tasks import purge_idempotency_keys

    purge_idempotency_keys.apply()
    names = [s.name for s in spans.get_finished_spans()]
    assert "run/core.purge_idempotency_keys" in names


def test_each_celery_worker_process_configures_tracing(monkeypatch: pytest.MonkeyPatch) -> None:
    from celery.signals import worker_process_init

    import config.celery  # noqa: F401  (connects the hook)

    calls: list[object] = []
    monkeypatch.setattr(tracing, "configure", lambda *a, **k: calls.append((a, k)))
    worker_process_init.send(sender=None)
    assert calls == [((), {})]


@pytest.mark.parametrize("value", ["zipkin", "otlp,jaeger"])
def test_the_exporter_check_refuses_an_unknown_name(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="OTEL_TRACES_EXPORTER"):
        tracing.check({"OTEL_TRACES_EXPORTER": value})


@pytest.mark.parametrize("value", ["", "otlp", "console,otlp", "none", " OTLP "])
def test_the_exporter_check_lets_a_known_name_pass(value: str) -> None:
    tracing.check({"OTEL_TRACES_EXPORTER": value})


def test_a_worker_with_an_unknown_exporter_refuses_to_start() -> None:
    """Celery's dispatch of worker_process_init only logs what a handler raises: the name is
    checked when config.celery is imported (worker and beat), so they stop as gunicorn does."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "OTEL_TRACES_EXPORTER": "zipkin"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    done = subprocess.run(
        [sys.executable, "-c", "import config.celery"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "OTEL_TRACES_EXPORTER" in done.stderr
