"""Liveness and readiness for the load balancer and the orchestrator (not part of /api/), and
Django's error views (config.urls' handler400/handler500): the envelope under /api/."""

from __future__ import annotations

import logging
import sys
import uuid

from django.core.cache import cache
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.api.envelope import body_limit, error_body
from core.db_errors import database_unavailable
from core.errors import ErrorCode
from core.middleware import is_api_path

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving; touches no backing service."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Database and cache reachable: 200, else 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready", whatever the driver raises
        logger.warning("readiness: database unreachable: %s", exc)
        checks["database"] = "unavailable"
    try:
        probe = f"ready:{uuid.uuid4().hex}"
        cache.set(probe, "1", timeout=5)
        ok = cache.get(probe) == "1"
        cache.delete(probe)
        checks["cache"] = "ok" if ok else "unavailable"
    except Exception as exc:
        logger.warning("readiness: cache unreachable: %s", exc)
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """What Django refuses before any view (SuspiciousOperation): a Host we do not serve, a body
    over the limit read outside DRF, too many fields. The message never echoes the input."""
    if not is_api_path(request.path):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        return JsonResponse(
            error_body(ErrorCode.INVALID_HOST, _("The Host header names no site served here.")),
            status=400,
        )
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(
            error_body(
                ErrorCode.PAYLOAD_TOO_LARGE, _("The request body is too large."), body_limit()
            ),
            status=413,
        )
    return JsonResponse(error_body(ErrorCode.BAD_REQUEST, _("Bad request.")), status=400)


# How long a client should wait before trying again when the database is unreachable (the same
# as the DRF exception handler's, core.api.exceptions).
DATABASE_RETRY_AFTER_SECONDS = 5


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the envelope under /api/, a plain page elsewhere (the admin). Reads
    nothing from the database (no template context: the user and the session are in it)."""
    message = _("The service is temporarily unavailable.")
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    if is_api_path(request.path):
        return JsonResponse(
            error_body(ErrorCode.SERVICE_UNAVAILABLE, message), status=503, headers=headers
        )
    hint = _("Try again in a few seconds.")
    page = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>503</title></head>'
        f"<body><h1>{escape(message)}</h1><p>{escape(hint)}</p></body></html>"
    )
    return HttpResponse(page, status=503, headers=headers, content_type="text/html; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """A crash outside DRF's views (a middleware, a plain view, the admin); Django has logged it
    with its traceback. An unreachable database is a 503 to retry, not a crash."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if not is_api_path(request.path):
        return defaults.server_error(request)
    return JsonResponse(
        error_body(ErrorCode.SERVER_ERROR, _("An unexpected error occurred; it has been logged.")),
        status=500,
    )
