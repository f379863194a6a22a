"""The API conventions every endpoint shares: error envelope, request id, no HTML under /api/."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from rest_framework.test import APIClient

from accounts.models import User

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


def _assert_envelope(
    response: _MonkeyPatchedResponse, status: int, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    if code is not None:
        assert error["code"] == code
    return error


def test_malformed_json_is_a_400_envelope(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/v1/auth/register", data='{"email": ', content_type="application/json"
    )
    _assert_envelope(response, 400, "parse_error")


def test_wrong_content_type_is_a_415_envelope(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/v1/auth/register", data="email=a@b.c", content_type="text/plain"
    )
    _assert_envelope(response, 415, "unsupported_media_type")


def test_unknown_url_is_a_404_envelope_not_html(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/no-such-thing")
    _assert_envelope(response, 404, "not_found")


def test_wrong_method_is_a_405_envelope(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/auth/register")
    error = _assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in error["message"]
    assert "POST" in response["Allow"]


def test_unacceptable_accept_header_is_a_406_envelope(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/me", HTTP_ACCEPT="text/csv")
    _assert_envelope(response, 406, "not_acceptable")


def test_missing_token_is_a_401_envelope(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/me")
    _assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tampered_token_is_a_401_envelope(
    api_client: APIClient, make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    # The header client_for set: DRF's stubs leave out the credentials an APIClient keeps.
    header = client._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]
    api_client.credentials(
        HTTP_AUTHORIZATION=header[:-3] + ("AAA" if header[-3:] != "AAA" else "BBB")
    )
    response = api_client.get("/api/v1/me")
    _assert_envelope(response, 401, "token_not_valid")


def test_validation_error_has_details_per_field(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/register", {"email": "not-an-email"}, format="json")
    error = _assert_envelope(response, 400, "validation_error")
    assert set(error["details"]) == {"email", "password"}


def test_throttled_request_is_a_429_envelope_with_retry_after(api_client: APIClient) -> None:
    statuses = []
    for _ in range(11):
        response = api_client.post(
            "/api/v1/auth/token", {"email": "x@example.com", "password": "nope"}, format="json"
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [401] * 10
    error = _assert_envelope(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert error["details"]["retry_after_seconds"] > 0


def test_login_is_throttled_per_email_across_addresses(api_client: APIClient) -> None:
    for n in range(10):
        api_client.post(
            "/api/v1/auth/token",
            {"email": "Victim@Example.com", "password": "nope"},
            format="json",
            REMOTE_ADDR=f"10.0.0.{n}",
        )
    response = api_client.post(
        "/api/v1/auth/token",
        {"email": "victim@example.com", "password": "nope"},
        format="json",
        REMOTE_ADDR="10.0.1.1",
    )
    _assert_envelope(response, 429, "throttled")
    other = api_client.post(
        "/api/v1/auth/token",
        {"email": "someone@example.com", "password": "nope"},
        format="json",
        REMOTE_ADDR="10.0.1.2",
    )
    assert other.status_code == 401


def test_sane_request_id_is_echoed(api_client: APIClient) -> None:
    response = api_client.get("/health", HTTP_X_REQUEST_ID="abc-123-def-456")
    assert response["X-Request-ID"] == "abc-123-def-456"


def test_insane_request_id_is_replaced(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/nothing", HTTP_X_REQUEST_ID="bad id\r\nX-Evil: 1")
    assert response["X-Request-ID"] != "bad id\r\nX-Evil: 1"
    assert len(response["X-Request-ID"]) == 32
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


def test_log_lines_carry_the_request_id(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    from core.logging import JsonFormatter, RequestIdFilter

    caplog.handler.addFilter(RequestIdFilter())  # the filter every configured handler has
    caplog.set_level(logging.INFO)
    api_client.get("/api/v1/nothing", HTTP_X_REQUEST_ID="trace-me-0001")
    access = [r for r in caplog.records if r.name == "core.access"]
    # The id is an attribute the request filter adds to the record (not a LogRecord field).
    assert [vars(r)["request_id"] for r in access] == ["trace-me-0001"]
    assert "/api/v1/nothing 404" in access[0].getMessage()
    assert '"request_id": "trace-me-0001"' in JsonFormatter().format(access[0])


def test_unhandled_error_is_a_json_500_without_internals(
    api_client: APIClient,
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., User],
    client_for: Callable[[User], APIClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from accounts import selectors  # what accounts.api.views calls

    def boom(*args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(selectors, "user_personal_data", boom)
    client = client_for(make_user())
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/me/export")
    error = _assert_envelope(response, 500, "server_error")
    assert any(
        r.exc_info and "secret internal detail" in str(r.exc_info[1]) for r in caplog.records
    )
    assert "secret" not in response.content.decode()
    assert error["details"] == {}


def test_health_is_alive(api_client: APIClient) -> None:
    response = api_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_database_and_cache(api_client: APIClient) -> None:
    response = api_client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_ready_is_503_when_the_cache_is_down(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache  # the cache core.views probes

    def down(*args: Any, **kwargs: Any) -> NoReturn:
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", down)
    response = api_client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"


def test_swagger_ui_is_served_without_internet(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()


def test_schema_is_served(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert "ErrorEnvelope" in schema["components"]["schemas"]
