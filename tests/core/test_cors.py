"""Browser origins allowed to call the API (CORS_ALLOWED_ORIGINS, django-cors-headers): an
allowed origin's requests and preflights get the headers a browser needs, any other origin and
any page outside /api/ get none (docs/rules/security.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client, override_settings

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

ALLOWED = "https://book.example.com"
ALLOWS = override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])


def preflight(
    client: Client, origin: str, path: str = "/api/v1/bookings"
) -> _MonkeyPatchedWSGIResponse:
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


@ALLOWS
def test_an_allowed_origin_gets_its_preflight_answered() -> None:
    response = preflight(Client(), ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= allowed
    assert "Access-Control-Allow-Credentials" not in response


@ALLOWS
def test_an_allowed_origin_may_read_the_retry_hint_and_the_request_id() -> None:
    response = Client().get("/api/v1/services", HTTP_ORIGIN=ALLOWED)
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"Retry-After", "X-Request-ID", "Idempotent-Replayed"} <= exposed
    # An error in the envelope carries them too (the browser could not read it otherwise).
    refused = Client().get("/api/v1/bookings", HTTP_ORIGIN=ALLOWED)
    assert refused.status_code == 401
    assert refused["Access-Control-Allow-Origin"] == ALLOWED


@ALLOWS
def test_another_origin_gets_no_cors_headers() -> None:
    for response in (
        preflight(Client(), "https://evil.example.com"),
        Client().get("/api/v1/services", HTTP_ORIGIN="https://evil.example.com"),
    ):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Expose-Headers" not in response


@ALLOWS
def test_outside_the_api_no_origin_is_allowed() -> None:
    response = Client().get("/admin/login/", HTTP_ORIGIN=ALLOWED)
    assert "Access-Control-Allow-Origin" not in response


def test_by_default_no_origin_is_allowed() -> None:
    response = preflight(Client(), ALLOWED)
    assert "Access-Control-Allow-Origin" not in response
