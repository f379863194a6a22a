"""Request id on every request, and the error envelope for whatever fails outside DRF's views."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import metrics
from core.api.envelope import body_limit, error_body
from core.client_ip import client_ip
from core.errors import ErrorCode
from core.request_context import reset_request_id, set_request_id

logger = logging.getLogger("core.access")

# What we echo back must be safe in a header and a log line.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")


def request_id_from(incoming: str) -> str:
    """The client's X-Request-ID if it is sane, else a new one."""
    return incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Accepts a sane `X-Request-ID` or makes one; returns it on every response. Outermost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        started = time.perf_counter()
        counter = _QueryCounter()
        try:
            with connection.execute_wrapper(counter):
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            seconds = time.perf_counter() - started
            route = route_of(request)
            address = client_ip(request)
            # One line per request (docs/rules/observability.md): never the query string, a
            # header or a body, which may carry tokens or personal data.
            logger.info(
                "%s %s %s %.1fms from %s",
                request.method,
                request.path,
                response.status_code,
                seconds * 1000,
                address,
                extra={
                    "client_ip": address,
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "queries": counter.count,
                    "user_id": user_id_of(request),
                },
            )
            metrics.observe_request(
                route=route,
                method=request.method or "",
                status=response.status_code,
                seconds=seconds,
                queries=counter.count,
            )
            return response
        finally:
            reset_request_id(token)


class _QueryCounter:
    """Counts the statements run on the default database while a request is answered."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered ("/api/v1/bookings/<uuid:booking_id>"), never the path
    itself: a bounded set of label values, and no ids in metrics."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "unmatched"
    return "/" + str(match.route).lstrip("^").rstrip("$")


def user_id_of(request: HttpRequest) -> str | None:
    """The public id of the signed-in user (session or bearer token), else None."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    public_id = getattr(user, "public_id", None)
    return str(public_id) if public_id is not None else None


_CODES_BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    414: ErrorCode.URI_TOO_LONG,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.THROTTLED,
    500: ErrorCode.SERVER_ERROR,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}

# The message of each such answer, translated when rendered (the request's language is active).
_MESSAGES_BY_STATUS = {
    400: gettext_noop("Bad request."),
    401: gettext_noop("Authentication credentials were not provided or are not valid."),
    403: gettext_noop("You do not have permission to perform this action."),
    404: gettext_noop("No API endpoint matches this URL."),
    405: gettext_noop("This method is not allowed here."),
    406: gettext_noop("The requested format is not served."),
    413: gettext_noop("The request body is too large."),
    414: gettext_noop("The URL is too long."),
    415: gettext_noop("Unsupported media type."),
    429: gettext_noop("Too many requests; try again later."),
    500: gettext_noop("An unexpected error occurred; it has been logged."),
    503: gettext_noop("A backing service is unavailable; try again shortly."),
}


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


class ApiErrorEnvelopeMiddleware:
    """Django answers some API failures itself, in HTML (an unknown URL, a crash outside a DRF view,
    a bad Host header). Under /api/ those become the JSON envelope, so clients parse one shape.
    Second in MIDDLEWARE, right inside RequestIdMiddleware: it sees what every other middleware
    answers (config.urls' handler400/handler500 give the more precise codes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not is_api_path(request.path)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        if status in _MESSAGES_BY_STATUS:
            message = _(_MESSAGES_BY_STATUS[status])
        else:
            try:
                message = HTTPStatus(status).phrase
            except ValueError:
                message = _("Error")
        code = _CODES_BY_STATUS.get(
            status, ErrorCode.SERVER_ERROR if status >= 500 else ErrorCode.BAD_REQUEST
        )
        envelope = JsonResponse(error_body(code, message), status=status)
        # Every header the page had but its body's own (Allow, Retry-After, WWW-Authenticate;
        # the security middlewares', which sit inside this one: HSTS, X-Content-Type-Options,
        # Referrer-Policy, Content-Security-Policy; Vary and Content-Language).
        for header, value in response.items():
            if header.lower() not in _BODY_HEADERS:
                envelope[header] = value
        return envelope


class ApiRequestLimitsMiddleware:
    """Refuses an /api/ request whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE from its
    Content-Length, before anything reads it: 413 on every endpoint, whether or not its view would
    read a body (nginx refuses the same at the same size; this holds without nginx too). And one
    whose URL is over API_MAX_URL_LENGTH: 414 here, in the envelope, rather than gunicorn's HTML
    page (gunicorn's own request-line limit is set above ours, deploy/gunicorn.conf.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        # RAW_URI: the request line's target as gunicorn read it; else the path as re-encoded.
        url = request.META.get("RAW_URI") or request.get_full_path()
        if len(url) > settings.API_MAX_URL_LENGTH:
            return JsonResponse(
                error_body(
                    ErrorCode.URI_TOO_LONG,
                    _(_MESSAGES_BY_STATUS[414]),
                    {"max_length": settings.API_MAX_URL_LENGTH},
                ),
                status=414,
            )
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return JsonResponse(
                error_body(ErrorCode.BAD_REQUEST, _("The Content-Length header is not a number.")),
                status=400,
            )
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return JsonResponse(
                error_body(ErrorCode.PAYLOAD_TOO_LARGE, _(_MESSAGES_BY_STATUS[413]), body_limit()),
                status=413,
            )
        return None


def json_body(response: HttpResponse) -> object:
    """Decoded JSON of a response (tests and tooling)."""
    return json.loads(response.content)


class ContentSecurityPolicyMiddleware:
    """The CONTENT_SECURITY_POLICY setting on every answer that has none of its own (the admin,
    the Swagger page, the API's JSON): what a page may load and run (docs/rules/security.md).
    Report-only while CONTENT_SECURITY_POLICY_REPORT_ONLY is true."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = str(settings.CONTENT_SECURITY_POLICY)
        if policy:
            header = (
                "Content-Security-Policy-Report-Only"
                if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
                else "Content-Security-Policy"
            )
            if header not in response:
                response[header] = policy
        return response
