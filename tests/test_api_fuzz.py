"""Schemathesis fuzzes every operation of /api/v1/schema in-process, with a fixed seed: no input
may produce a 500, and every answer must match the schema (status, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts import services
from config.wsgi import application
from tests.accounts.factories import UserFactory
from tests.cache import clear_test_cache

pytestmark = pytest.mark.django_db

# Not "positive_data_acceptance": a schema cannot say every rule (no NUL byte in a string, a
# password strong enough), and those inputs rightly get a 400 envelope. Not
# "negative_data_rejection" either: DRF's CharField accepts a number as its string form.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.unsupported_method,
    checks.ignored_auth,
]

# Generating the schema touches no database, so it can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """The WSGI handler closes "old" connections at each request's start and end, which would
    close the test's open transaction on PostgreSQL; Django's own test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_never_errors_and_matches_its_schema(case: Any) -> None:
    clear_test_cache()  # throttle counters: the fuzzer would otherwise only see 429s
    user = UserFactory()
    headers = {"Authorization": f"Bearer {services._pair_for(user).access}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
