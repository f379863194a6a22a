"""Liveness and readiness for the load balancer and the orchestrator (not part of /api/)."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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
