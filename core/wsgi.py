"""The last line of defence under /api/: whatever escapes Django reaches the WSGI server, which
would answer with its own HTML page (gunicorn's "Internal Server Error"). Django turns every
Exception into a response already; what escapes is mostly SystemExit, which is how gunicorn stops
a worker that outlived its timeout (SIGABRT) or a quick shutdown (SIGQUIT) in the middle of a
request. The client then gets a 503 envelope it can parse and retry (with its Idempotency-Key),
the worker still exits after answering (gunicorn has already marked it as stopping), and the
error is logged with the request id."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from core.api.envelope import error_body
from core.errors import ErrorCode
from core.middleware import is_api_path, request_id_from
from core.request_context import reset_request_id, set_request_id

logger = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_ANSWERS = {
    500: (
        "500 Internal Server Error",
        ErrorCode.SERVER_ERROR,
        "An unexpected error occurred; it has been logged.",
    ),
    503: (
        "503 Service Unavailable",
        ErrorCode.SERVICE_UNAVAILABLE,
        "The server stopped while answering; retry shortly.",
    ),
}


class ApiErrorGuard:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if not is_api_path(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        try:
            return self.app(environ, start_response)
        except SystemExit:
            logger.error("worker stopped during %s", environ.get("PATH_INFO"), exc_info=True)
            return self._answer(503, environ, start_response)
        except Exception:
            logger.exception("error escaped Django during %s", environ.get("PATH_INFO"))
            return self._answer(500, environ, start_response)

    @staticmethod
    def _answer(
        status: int, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> list[bytes]:
        line, code, message = _ANSWERS[status]
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        token = set_request_id(request_id)
        try:
            body = json.dumps(error_body(code, message)).encode()
        finally:
            reset_request_id(token)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Request-ID", request_id),
        ]
        if status == 503:
            headers.append(("Retry-After", "5"))
        # exc_info: replaces whatever the app had started, or re-raises if already sent.
        start_response(line, headers, sys.exc_info())
        return [body]
