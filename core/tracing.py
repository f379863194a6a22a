"""OpenTelemetry tracing (docs/adr/0014-opentelemetry-tracing.md, docs/rules/observability.md):
spans for Django's requests, psycopg's queries and Celery's tasks (their publishing too), exported
by OTLP or to the console. Off unless the standard variables ask for it:

- OTEL_TRACES_EXPORTER=otlp (or console, or both "otlp,console"; "none" is off), or only
  OTEL_SERVICE_NAME set (then otlp);
- OTEL_SDK_DISABLED=true switches it off whatever the rest says.

The OTLP exporter reads its own OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout), the
provider OTEL_TRACES_SAMPLER and OTEL_RESOURCE_ATTRIBUTES. Configured once per process, in one
place: config.wsgi (before Django loads its middleware), and config.celery for each worker
process (worker_process_init, after the fork). When on, log lines carry the trace and span ids
(core.logging.RequestIdFilter)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

logger = logging.getLogger(__name__)

DEFAULT_SERVICE_NAME = "carservice"
# Probes and scrapes make no useful traces; OTEL_PYTHON_DJANGO_EXCLUDED_URLS replaces this.
DEFAULT_EXCLUDED_URLS = "health,ready,metrics"

_provider: TracerProvider | None = None


def wanted(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = _exporter_names(environ)
    if exporters is not None:
        return exporters != ["none"]
    return bool(environ.get("OTEL_SERVICE_NAME", "").strip())


def _exporter_names(environ: Mapping[str, str]) -> list[str] | None:
    raw = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if not raw:
        return None
    return [name.strip() for name in raw.split(",") if name.strip()]


EXPORTER_NAMES = ("otlp", "console", "none")


def check(environ: Mapping[str, str] | None = None) -> None:
    """Refuses (ImproperlyConfigured) an OTEL_TRACES_EXPORTER naming an exporter we do not have:
    called where each process starts (config.wsgi through configure(), config.celery at import,
    since Celery only logs what a worker_process_init handler raises), so that none starts."""
    environ = os.environ if environ is None else environ
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return  # off whatever the rest says, as configure() has it
    for name in _exporter_names(environ) or []:
        if name not in EXPORTER_NAMES:
            raise ImproperlyConfigured(
                f"OTEL_TRACES_EXPORTER: {name!r} is not one of otlp, console, none."
            )


def configure(
    environ: Mapping[str, str] | None = None,
    *,
    exporter: SpanExporter | None = None,
    set_global: bool = True,
) -> TracerProvider | None:
    """Switches tracing on when `environ` (the process's) asks for it; returns the provider, or
    None when off. `exporter` replaces the configured ones, synchronously (the tests' in-memory
    exporter). Calling it again changes nothing."""
    global _provider
    environ = os.environ if environ is None else environ
    if not wanted(environ):
        return None
    check(environ)
    if _provider is not None:
        return _provider

    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    name = environ.get("OTEL_SERVICE_NAME", "").strip() or DEFAULT_SERVICE_NAME
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        names = [n for n in _exporter_names(environ) or ["otlp"] if n != "none"]
        for each in _exporters(names):
            provider.add_span_processor(BatchSpanProcessor(each))
    if set_global:
        trace.set_tracer_provider(provider)

    excluded = environ.get("OTEL_PYTHON_DJANGO_EXCLUDED_URLS") or DEFAULT_EXCLUDED_URLS
    DjangoInstrumentor().instrument(tracer_provider=provider, excluded_urls=excluded)
    PsycopgInstrumentor().instrument(tracer_provider=provider)
    CeleryInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    _provider = provider
    logger.info("tracing on: service %s", name)
    return provider


def _exporters(names: list[str]) -> list[SpanExporter]:
    found: list[SpanExporter] = []
    for name in names:
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            found.append(OTLPSpanExporter())
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            found.append(ConsoleSpanExporter())
        else:
            raise ImproperlyConfigured(
                f"OTEL_TRACES_EXPORTER: {name!r} is not one of otlp, console, none."
            )
    return found


def shutdown() -> None:
    """Undoes configure() (the tests): the instrumentation off, the spans flushed."""
    global _provider
    if _provider is None:
        return
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    celery = CeleryInstrumentor()  # type: ignore[no-untyped-call]
    for instrumentor in (DjangoInstrumentor(), PsycopgInstrumentor(), celery):
        instrumentor.uninstrument()
    _provider.shutdown()
    _provider = None


def current_ids() -> tuple[str, str] | None:
    """The current trace and span ids (hex, as OTLP back-ends show them), or None outside a span
    (tracing off: always None)."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
