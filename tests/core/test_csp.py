"""The Content-Security-Policy (core.middleware.ContentSecurityPolicyMiddleware) on the admin, the
Swagger page and the API (docs/rules/security.md). That the pages' own assets satisfy it is shown
in a real browser (tests/test_browser_csp.py)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.accounts.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/docs", "/api/v1/services"])
def test_the_policy_is_on_the_admin_the_docs_and_the_api(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_the_policy_is_on_a_signed_in_admin_page() -> None:
    client = Client()
    client.force_login(OperatorFactory.create())
    response = client.get("/admin/bookings/booking/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_swagger_page_has_no_inline_script_its_start_up_is_a_file() -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "<script>" not in page
    assert 'src="/api/v1/docs?script="' in page
    script = Client().get("/api/v1/docs?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()


@override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=True)
def test_report_only_reports_without_enforcing() -> None:
    response = Client().get("/admin/login/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


@override_settings(CONTENT_SECURITY_POLICY="")
def test_an_empty_policy_sends_no_header() -> None:
    response = Client().get("/admin/login/")
    assert "Content-Security-Policy" not in response
