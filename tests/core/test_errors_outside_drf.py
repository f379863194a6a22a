"""What fails outside DRF's views still answers the envelope under /api/ (SPEC §7): a Host header
we do not serve, a URL too long, a crash in a middleware, and whatever escapes Django itself up
to the WSGI server (config.wsgi's guard). Elsewhere (the admin) Django's own pages stay."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core.wsgi import ApiErrorGuard

pytestmark = pytest.mark.django_db


def _envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == response["X-Request-ID"]
    return dict(error)


def test_a_host_we_do_not_serve_is_a_400_envelope(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/services", HTTP_HOST="evil.example")
    error = _envelope(response, 400, "invalid_host")
    assert "evil.example" not in error["message"]  # never echo what the attacker sent


def test_outside_the_api_a_bad_host_keeps_djangos_page(api_client: APIClient) -> None:
    response = api_client.get("/admin/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


def test_a_url_over_the_limit_is_a_414_envelope(api_client: APIClient) -> None:
    limit = settings.API_MAX_URL_LENGTH
    response = api_client.get("/api/v1/services", {"kind": "x" * limit})
    error = _envelope(response, 414, "uri_too_long")
    assert error["details"] == {"max_length": limit}
    near = api_client.get("/api/v1/services", {"kind": "x" * (limit - 200)})
    assert near.status_code in {200, 400}  # a long but allowed URL reaches the endpoint


def test_a_crash_outside_drf_is_a_500_envelope(monkeypatch: Any, caplog: Any) -> None:
    from core import middleware

    def crash(self: Any, request: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(middleware.ApiRequestLimitsMiddleware, "_refusal", crash)
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/services")
    _envelope(response, 500, "server_error")
    assert "secret" not in response.content.decode()


# --- the WSGI guard: what escapes Django (gunicorn would answer its own HTML page) -----------


def _call(
    app: Any, path: str = "/api/v1/bookings", **environ: Any
) -> tuple[str, dict[str, str], bytes]:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.update(status=status, headers=dict(headers))
        return lambda data: None

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "POST", **environ}, start_response))
    return started["status"], started["headers"], body


def _raising(exc: BaseException) -> Any:
    def app(environ: Any, start_response: Any) -> Any:
        raise exc

    return app


def test_an_error_escaping_django_is_a_500_envelope(caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="core.wsgi"):
        status, headers, body = _call(
            ApiErrorGuard(_raising(RuntimeError("secret"))), HTTP_X_REQUEST_ID="trace-me-0002"
        )
    assert status.startswith("500 ")
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Request-ID"] == "trace-me-0002"
    error = json.loads(body)["error"]
    assert (error["code"], error["request_id"]) == ("server_error", "trace-me-0002")
    assert b"secret" not in body
    assert any(r.exc_info for r in caplog.records if r.name == "core.wsgi")


def test_a_worker_stopped_mid_request_is_a_503_envelope_with_retry_after() -> None:
    """gunicorn's timeout (SIGABRT) raises SystemExit in the request: the client gets an answer
    it can parse and retry, instead of gunicorn's HTML 500."""
    status, headers, body = _call(ApiErrorGuard(_raising(SystemExit(1))))
    assert status.startswith("503 ")
    assert headers["Retry-After"] == "5"
    assert json.loads(body)["error"]["code"] == "service_unavailable"


def test_outside_the_api_the_guard_lets_the_server_answer() -> None:
    with pytest.raises(RuntimeError):
        _call(ApiErrorGuard(_raising(RuntimeError("admin crash"))), path="/admin/")


def test_the_wsgi_application_is_guarded() -> None:
    from config.wsgi import application

    assert isinstance(application, ApiErrorGuard)


SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Security-Policy",
    "Strict-Transport-Security",
)


@pytest.mark.parametrize("status", [404, 401])
def test_an_envelope_keeps_the_security_headers(
    monkeypatch: Any, settings: Any, status: int
) -> None:
    """SecurityMiddleware's and the CSP middleware's headers (HSTS with SECURE_HSTS_SECONDS, as in
    production) are on the envelope made from Django's own page, as on any other answer."""
    from django.http import HttpResponse

    from core import middleware

    settings.SECURE_HSTS_SECONDS = 3600
    if status == 401:

        def refusal(self: Any, request: Any) -> HttpResponse:
            return HttpResponse("<h1>401</h1>", status=401, headers={"WWW-Authenticate": "Bearer"})

        monkeypatch.setattr(middleware.ApiRequestLimitsMiddleware, "_refusal", refusal)
    response = APIClient().get("/api/v1/no-such", secure=True)
    _envelope(response, status, "not_found" if status == 404 else "not_authenticated")
    for header in SECURITY_HEADERS:
        assert header in response, header
