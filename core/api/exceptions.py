"""The single DRF exception handler: every error, ours or the framework's, gets the envelope."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.api.codes import is_listed
from core.api.envelope import body_limit, error_body
from core.db_errors import database_unavailable
from core.errors import DomainError, ErrorCode, LockTimeout, translate_details
from core.locking import is_lock_timeout

logger = logging.getLogger(__name__)


def _django_validation_details(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _plain(v) for k, v in detail.items()}
    if isinstance(detail, list | tuple):
        return [_plain(v) for v in detail]
    if detail is None or isinstance(detail, bool | int | float):
        return detail
    return str(detail)


def framework_code(code: str) -> ErrorCode:
    """The member of a code DRF or simplejwt hands as a string (their exceptions' default_code, a
    `code=` of theirs). Every one the API can answer is a member (tests/core/test_error_codes.py);
    an unknown one is logged and answered as `error`, DRF's generic code."""
    try:
        return ErrorCode(code)
    except ValueError:
        logger.error("unknown error code from the framework: %r", code)
        return ErrorCode.ERROR


class UnlistedErrorCode(AssertionError):
    """An operation answered a code its schema does not list (API_ERROR_CODES_CHECK = "raise")."""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    response = _envelope(exc, context)
    _check_listed(context, response.status_code, response.data["error"]["code"])
    return response


def _check_listed(context: dict[str, Any], status: int, code: str) -> None:
    """The schema lists every code an operation answers (core.api.codes): one it does not list
    is a declaration to add to the view, found by the test that provokes it."""
    request = context.get("request")
    method = str(getattr(request, "method", "") or "")
    if is_listed(context.get("view"), method, status, code):
        return
    message = (
        f"{method} {getattr(request, 'path', '')} answered {status} {code}, which the "
        f"operation does not list: add it to the view's @error_codes"
    )
    if settings.API_ERROR_CODES_CHECK == "raise":
        raise UnlistedErrorCode(message)
    logger.warning(message)


def _envelope(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, OperationalError) and is_lock_timeout(exc):
        # A lock wait outside the use cases' locked transactions ran out of the session's lock
        # timeout (settings.DATABASE_LOCK_TIMEOUT_MS), or the database broke a deadlock: someone
        # else holds the row; nothing was written.
        exc = LockTimeout()
    if isinstance(exc, DomainError):
        set_rollback()
        headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
        if isinstance(exc, LockTimeout):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return Response(
            error_body(exc.code, exc.translated(_), _plain(translate_details(exc.details, _))),
            status=exc.status,
            headers=headers,
        )
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(
            error_body(
                ErrorCode.VALIDATION_ERROR, _("Invalid input."), _django_validation_details(exc)
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if database_unavailable(exc):
        # The database is unreachable or dropped us (a lock timeout is mapped by the service that
        # expects it; another database error is a crash): tell the client to retry instead of
        # pretending the server crashed.
        logger.warning("database unavailable: %s", exc)
        set_rollback()
        return Response(
            error_body(ErrorCode.SERVICE_UNAVAILABLE, _("The service is temporarily unavailable.")),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, RequestDataTooBig):
        # Reading a body over DATA_UPLOAD_MAX_MEMORY_SIZE (the middleware refuses most of them
        # from their Content-Length before any view runs).
        return Response(
            error_body(
                ErrorCode.PAYLOAD_TOO_LARGE, _("The request body is too large."), body_limit()
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        return Response(
            error_body(ErrorCode.BAD_REQUEST, _("Bad request.")), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        logger.error("unhandled error in API view", exc_info=exc)
        set_rollback()
        return Response(
            error_body(
                ErrorCode.SERVER_ERROR, _("An unexpected error occurred; it has been logged.")
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        code = ErrorCode.VALIDATION_ERROR
        message = _("Invalid input.")
        details = (
            _plain(detail) if isinstance(detail, dict) else {"non_field_errors": _plain(detail)}
        )
    elif isinstance(detail, dict):
        # simplejwt puts {"detail", "code", "messages"} here.
        code = framework_code(str(detail.get("code", exc.default_code)))
        message = str(detail.get("detail", exc.default_detail))
        details = {k: _plain(v) for k, v in detail.items() if k not in {"detail", "code"}}
    else:
        code = framework_code(str(getattr(detail, "code", None) or exc.default_code))
        message = str(detail)
        details = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        details["retry_after_seconds"] = math.ceil(wait)
    response.data = error_body(code, message, details)
    return response
