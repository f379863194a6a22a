"""Fail fast, recover alone (SPEC §10, issue 14): a database that cannot be reached answers 503
with Retry-After (the envelope under /api/, DRF view or not; a plain page elsewhere, the admin
included), never a 500; once it is back the same process serves again, no restart; a task that
meets it is retried with backoff."""

from __future__ import annotations

import json
import wsgiref.util
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from core.views import DATABASE_RETRY_AFTER_SECONDS

RETRY_AFTER = str(DATABASE_RETRY_AFTER_SECONDS)


def _unreachable(*args: Any, **kwargs: Any) -> Any:
    # What Django raises when the server ends the connection (a restart): psycopg's error, with
    # its SQLSTATE (57P01 admin_shutdown), wrapped in Django's.
    raise OperationalError(
        "terminating connection due to administrator command"
    ) from psycopg.errors.AdminShutdown("terminating connection due to administrator command")


def _envelope_503(response: Any) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == RETRY_AFTER
    assert response.json()["error"]["code"] == "service_unavailable"


# --- where the error is met: a DRF view, a middleware under /api/, the admin (any database) ---


@pytest.mark.django_db
def test_a_drf_view_that_meets_it_answers_the_503_envelope(monkeypatch: Any) -> None:
    from scheduling.selectors import sites

    monkeypatch.setattr(sites, "site_list", _unreachable)
    _envelope_503(APIClient().get("/api/v1/sites"))


@pytest.mark.django_db
def test_a_middleware_that_meets_it_under_the_api_answers_the_503_envelope(
    monkeypatch: Any,
) -> None:
    from core import middleware

    monkeypatch.setattr(middleware.ApiRequestLimitsMiddleware, "_refusal", _unreachable)
    response = APIClient(raise_request_exception=False).get("/api/v1/services")
    _envelope_503(response)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_the_admin_that_meets_it_answers_a_plain_503_page(monkeypatch: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    monkeypatch.setattr(SessionStore, "load", _unreachable)
    client = APIClient(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-must-read"
    response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert response["Content-Type"].startswith("text/html")
    assert "temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_another_crash_is_still_a_500(monkeypatch: Any) -> None:
    from core import middleware

    def crash(self: Any, request: Any) -> None:
        raise RuntimeError("not the database")

    monkeypatch.setattr(middleware.ApiRequestLimitsMiddleware, "_refusal", crash)
    response = APIClient(raise_request_exception=False).get("/api/v1/services")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_missing_table_is_still_a_500_not_a_retry(monkeypatch: Any) -> None:
    """A first run without `migrate` (SQLite: OperationalError "no such table") is a crash to
    fix, not an outage to wait out."""
    from scheduling.selectors import sites

    def missing_table(*args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(sites, "site_list", missing_table)
    response = APIClient(raise_request_exception=False).get("/api/v1/sites")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_only_a_lost_connection_counts_and_only_through_the_cause() -> None:
    from core.db_errors import database_unavailable

    down = OperationalError("terminating connection")
    down.__cause__ = psycopg.errors.AdminShutdown("terminating connection")
    assert database_unavailable(down)
    timeout = OperationalError("canceling statement due to statement timeout")
    timeout.__cause__ = psycopg.errors.QueryCanceled("canceling statement")
    assert not database_unavailable(timeout)
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    assert not database_unavailable(deadlock)
    # a crash while handling an outage is that crash (its __context__ is not followed)
    crash = RuntimeError("the handler failed")
    crash.__context__ = down
    assert not database_unavailable(crash)


# --- a real outage: the server goes away under a kept connection, then comes back -------------


class App:
    """The WSGI application as gunicorn calls it, in this thread: Django's request_started and
    request_finished close broken or old connections there (the test Client skips that)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
        environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
        wsgiref.util.setup_testing_defaults(environ)
        environ.update(HTTP_HOST="testserver", SERVER_NAME="testserver")
        environ["wsgi.input"] = BytesIO(b"")
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            started.update(status=int(status.split()[0]), headers=dict(headers))
            return lambda data: None

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()  # request_finished: what gunicorn does
        return started["status"], started["headers"], body


@pytest.fixture
def production_connections() -> Iterator[dict[str, Any]]:
    """The default connection kept between requests and checked before reuse, as the base
    settings have it (the test settings close it after each request); restored afterwards."""
    settings = connection.settings_dict
    saved = {key: settings.get(key) for key in ("HOST", "PORT", "CONN_MAX_AGE")}
    saved_checks = settings.get("CONN_HEALTH_CHECKS")
    connection.close()
    settings.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    try:
        yield settings
    finally:
        connection.close()
        settings.update(saved, CONN_HEALTH_CHECKS=saved_checks)


def _terminate(pid: int, settings: dict[str, Any]) -> None:
    """What a PostgreSQL restart does to a kept connection: the server ends it."""
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        connect_timeout=5,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_outage_answers_503_then_the_same_process_serves_again(
    production_connections: dict[str, Any],
) -> None:
    app = App()
    status, _headers, _body = app.get("/api/v1/sites")
    assert status == 200
    kept = connection.connection
    assert kept is not None  # kept between requests (CONN_MAX_AGE)
    real_host, real_port = production_connections["HOST"], production_connections["PORT"]

    # The server goes away: the kept connection is ended, and nothing answers on its port (a
    # loopback port nobody listens on refuses at once).
    _terminate(kept.info.backend_pid, production_connections)
    production_connections.update(HOST="127.0.0.1", PORT="1")
    for path in ("/api/v1/sites", "/api/v1/services"):
        status, headers, body = app.get(path)
        assert status == 503, body[:300]
        assert headers["Retry-After"] == RETRY_AFTER
        assert json.loads(body)["error"]["code"] == "service_unavailable"
    status, headers, body = app.get("/admin/", cookie="sessionid=needs-the-database")
    assert (status, headers["Retry-After"]) == (503, RETRY_AFTER)
    assert headers["Content-Type"].startswith("text/html")

    # It is back: the next request connects again, no restart.
    production_connections.update(HOST=real_host, PORT=real_port)
    status, _headers, body = app.get("/api/v1/sites")
    assert status == 200, body[:300]
    assert connection.connection is not None
    assert connection.connection is not kept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_ended_by_a_restart_is_replaced_before_it_fails_a_request(
    production_connections: dict[str, Any],
) -> None:
    """CONN_HEALTH_CHECKS: the first request after the server ended the connection does not
    fail, the dead connection is checked and replaced."""
    app = App()
    assert app.get("/api/v1/sites")[0] == 200
    kept = connection.connection
    assert kept is not None
    _terminate(kept.info.backend_pid, production_connections)
    status, _headers, body = app.get("/api/v1/sites")
    assert status == 200, body[:300]
    assert connection.connection is not kept


# --- tasks: retried with exponential backoff --------------------------------------------------


TASKS = (  # every task but core.dispatch_event, which retries any error itself with backoff
    "core.send_email",
    "core.deliver_webhook",
    "core.outbox_sweep",
    "core.purge_idempotency_keys",
    "core.purge_outbox",
    "bookings.expire_pending_bookings",
    "bookings.send_reminders",
)


@pytest.mark.parametrize("name", TASKS)
def test_every_task_retries_an_unreachable_database_with_backoff(name: str) -> None:
    import importlib

    module, function = name.rsplit(".", 1)
    task = getattr(importlib.import_module(f"{module}.tasks"), function)
    assert task.name == name
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff
    assert task.retry_jitter
    assert task.retry_backoff_max <= 300
    assert task.max_retries >= 5


def test_in_eager_mode_a_task_that_meets_it_is_attempted_once(monkeypatch: Any) -> None:
    """No broker (a first run, the tests): nothing is retried in the request (Celery would ignore
    the countdown and try ~11 times at once); the next beat or the sweeper tries again."""
    from bookings import services, tasks

    calls: list[int] = []

    def unreachable() -> int:
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "bookings_expire_due", unreachable)
    result = tasks.expire_pending_bookings.apply()
    assert len(calls) == 1
    assert isinstance(result.result, OperationalError)


def test_in_a_worker_a_task_that_meets_it_is_put_back_with_a_countdown(monkeypatch: Any) -> None:
    from celery.canvas import Signature
    from celery.exceptions import Retry

    from bookings import services, tasks

    monkeypatch.setattr(services, "bookings_expire_due", _unreachable)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(Signature, "apply_async", lambda self, *a, **kw: sent.append(self.options))
    task = tasks.expire_pending_bookings
    task.push_request(id="t-1", retries=0, is_eager=False, called_directly=False)
    try:
        with pytest.raises(Retry):
            task.run()
    finally:
        task.pop_request()
    assert len(sent) == 1
    assert 0 <= sent[0]["countdown"] <= 2  # the first wait: up to 2 s (full jitter)


def test_the_retries_wait_longer_each_time(monkeypatch: Any) -> None:
    """Celery's backoff for these options: 2 s, 4 s, 8 s ... (full jitter: up to that), capped."""
    from celery.utils.time import get_exponential_backoff_interval

    from core.tasks import DATABASE_RETRY

    bounds = [
        get_exponential_backoff_interval(
            factor=DATABASE_RETRY["retry_backoff"],
            retries=retries,
            maximum=DATABASE_RETRY["retry_backoff_max"],
            full_jitter=False,
        )
        for retries in range(10)
    ]
    assert bounds[:4] == [2, 4, 8, 16]
    assert bounds[-1] == 300


def test_a_task_gives_up_after_its_retries(monkeypatch: Any) -> None:
    from bookings import services, tasks

    monkeypatch.setattr(services, "bookings_send_reminders", _unreachable)
    result = tasks.send_reminders.apply()
    assert isinstance(result.result, OperationalError)
