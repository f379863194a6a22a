"""`python3 deploy/dev.py stack` started for real (deploy/stack.py in its own process): a booking
through nginx reaches an app server and the worker; nginx serves the static files, routes /health
and /ready, hides /metrics; the per-IP limit; and the failure drill of an app server killed
during a stream of bookings (issue 14). The module's fixture stops the stack with SIGTERM and
checks that nothing it started is left running."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.core.test_metrics import value
from tests.deploy.conftest import RunningStack, port_open

pytestmark = [pytest.mark.nginx, pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis]

SLOTS = ["08:00", "09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "17:00"]


def _clients(stack: RunningStack, tag: str, count: int, resources: int) -> dict[str, Any]:
    clients: dict[str, Any] = json.loads(
        stack.manage("tests/deploy/clients.py", tag, str(count), str(resources)).strip()
    )
    return clients


def _booking(world: dict[str, Any], client: dict[str, Any], slot: str) -> dict[str, str]:
    return {
        "vehicle": client["vehicle"],
        "service": world["service"],
        "site": world["site"],
        "start": f"{world['day']}T{slot}:00+01:00",
    }


def _double_bookings(stack: RunningStack) -> int:
    rows = stack.sql(
        """
        SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
          ON a.id < b.id AND a.resource_id = b.resource_id
         AND a.start < b.blocked_until AND b.start < a.blocked_until
         WHERE a.state IN ('pending', 'confirmed', 'in_progress')
           AND b.state IN ('pending', 'confirmed', 'in_progress')
        """
    )
    return int(rows[0][0])


def test_a_booking_through_nginx_is_made_and_mailed_by_the_worker(
    running_stack: RunningStack,
) -> None:
    world = _clients(running_stack, "one", 1, 1)
    client = world["clients"][0]
    status, headers, body = running_stack.request(
        "POST",
        "/api/v1/bookings",
        _booking(world, client, "10:00"),
        token=client["token"],
        headers={"Idempotency-Key": "stack-one-1", "X-Request-ID": "stack-test-booking-1"},
    )
    assert status == 201, body
    assert headers["x-request-id"] == "stack-test-booking-1"
    assert body["state"] == "pending"
    # The confirmation e-mail goes out from the worker, to the stack's SMTP sink.
    deadline = time.monotonic() + 60
    while "drill-one-0@example.com" not in running_stack.log("mail"):
        assert time.monotonic() < deadline, running_stack.log("worker")[-3000:]
        time.sleep(0.5)
    # The worker's lines about the tasks this request caused carry its request id.
    worker_lines = [
        json.loads(line)
        for line in running_stack.log("worker").splitlines()
        if line.startswith("{") and "stack-test-booking-1" in line
    ]
    assert {line["request_id"] for line in worker_lines} == {"stack-test-booking-1"}
    tasks = " ".join(line["message"] for line in worker_lines)
    assert "core.dispatch_event" in tasks
    assert "core.send_email" in tasks  # handed on by the event's task: the same id
    # Both app servers answer, each on its own; nginx balances the stream over them.
    for port in running_stack.apps:
        assert port_open(port)


def test_nginx_serves_static_files_health_and_ready_and_hides_metrics(
    running_stack: RunningStack,
) -> None:
    status, headers, _body = running_stack.request("GET", "/static/admin/css/base.css")
    assert status == 200
    assert headers["content-type"] == "text/css"
    assert headers["x-content-type-options"] == "nosniff"
    assert "max-age=2592000" in headers["cache-control"]
    assert running_stack.request("GET", "/health")[0] == 200
    status, _headers, body = running_stack.request("GET", "/ready")
    assert status == 200
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert running_stack.request("GET", "/metrics")[0] == 404
    status, headers, body = running_stack.request("GET", "/admin/")
    assert status == 302  # the admin asks for a login, over HTTPS


def test_a_burst_from_one_address_is_limited_and_another_address_is_not(
    running_stack: RunningStack,
) -> None:
    """300 requests from 127.0.0.1 at once (25 kept-alive connections, 12 requests each, all
    starting together): nginx's per-IP limit (20/s, burst 40) answers 429 in the envelope with
    Retry-After; 127.0.0.2 (another client to nginx) is served right after."""
    start = threading.Barrier(25)

    def one(_n: int) -> list[tuple[int, dict[str, str], Any]]:
        connection = running_stack.connection()
        connection.connect()
        start.wait(timeout=30)
        try:
            return [
                running_stack.request("GET", "/api/v1/sites", keep=connection) for _ in range(12)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = [answer for batch in pool.map(one, range(25)) for answer in batch]
    assert len(answers) == 300
    statuses = [status for status, _h, _b in answers]
    limited = [(headers, body) for status, headers, body in answers if status == 429]
    assert set(statuses) <= {200, 429}, sorted(set(statuses))
    assert len(limited) >= 150, statuses.count(200)
    for headers, body in limited:  # nginx's (Retry-After: 1) or, past 60/min, the app's own
        assert int(headers["retry-after"]) >= 1
        assert body["error"]["code"] == "throttled"
        assert body["error"]["request_id"] == headers["x-request-id"]
    by_nginx = [body for headers, body in limited if headers["retry-after"] == "1"]
    assert len(by_nginx) >= 100
    assert by_nginx[0]["error"]["details"] == {"retry_after_seconds": 1}
    status, _headers, body = running_stack.request("GET", "/api/v1/sites", source="127.0.0.2")
    assert status == 200, body


def test_an_app_server_killed_during_a_stream_of_bookings(running_stack: RunningStack) -> None:
    """16 clients book twice each through nginx, retrying with the same Idempotency-Key; the
    second app server is killed (SIGKILL, every process of it) during the stream. Each client ends
    with exactly its two bookings, the only 5xx are a few 502/503 during the failover, and no
    resource is double-booked."""
    world = _clients(running_stack, "kill", 16, 16)
    statuses: list[int] = []
    made = threading.Event()
    done_count = [0]
    lock = threading.Lock()

    def client(n: int) -> list[int]:
        codes = []
        for attempt in range(2):
            key = f"kill-{n}-{attempt}"
            slot = SLOTS[(n + attempt * 3) % len(SLOTS)]
            body = _booking(world, world["clients"][n], slot)
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _headers, answer = running_stack.request(
                        "POST",
                        "/api/v1/bookings",
                        body,
                        token=world["clients"][n]["token"],
                        headers={"Idempotency-Key": key},
                    )
                except (http.client.HTTPException, OSError):
                    # The answer cut off (the server died while nginx relayed it): the outcome
                    # is unknown, which is what the Idempotency-Key is for.
                    status, answer = 0, None
                with lock:
                    statuses.append(status)
                if status in (200, 201):
                    codes.append(status)
                    with lock:
                        done_count[0] += 1
                        if done_count[0] >= 8:
                            made.set()
                    break
                retryable = status in (0, 502, 503, 504) or (
                    status == 409 and answer["error"]["code"] == "idempotency_in_flight"
                )
                assert retryable, (status, answer)
                assert time.monotonic() < deadline, (status, answer)
                time.sleep(0.2)
        return codes

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(client, n) for n in range(16)]
        assert made.wait(timeout=120)
        victim = running_stack.pids["app2"]
        os.killpg(victim, signal.SIGKILL)  # the master and its workers, mid-stream
        results = [future.result(timeout=180) for future in futures]

    assert all(len(codes) == 2 for codes in results)
    server_errors = [status for status in statuses if status >= 500]
    assert set(server_errors) <= {502, 503}, server_errors
    cut_off = statuses.count(0)
    assert len(server_errors) + cut_off <= 16, (server_errors, cut_off)
    per_customer = running_stack.sql(
        """
        SELECT u.email, count(b.id) FROM accounts_user u
          LEFT JOIN bookings_booking b ON b.customer_id = u.id
         WHERE u.email LIKE 'drill-kill-%' GROUP BY u.email
        """
    )
    assert len(per_customer) == 16
    assert {count for _email, count in per_customer} == {2}
    assert _double_bookings(running_stack) == 0
    # nginx keeps serving from the server left.
    assert running_stack.request("GET", "/ready")[0] == 200


def test_metrics_of_both_app_servers_and_the_worker_add_up_on_either_server(
    running_stack: RunningStack,
) -> None:
    """After the bookings above (one app server killed meanwhile), /metrics of the server left,
    asked directly, counts every booking made through nginx by either server's processes, and
    the worker's tasks: one multiprocess directory for the machine."""
    import urllib.request

    made = running_stack.sql(
        """
        SELECT count(*) FROM bookings_booking b JOIN accounts_user u ON b.customer_id = u.id
         WHERE u.email LIKE 'drill-%'
        """
    )[0][0]
    assert made == 33  # 1 + 16 x 2 above
    with urllib.request.urlopen(
        f"http://127.0.0.1:{running_stack.apps[0]}/metrics", timeout=15
    ) as response:
        text = response.read().decode()
    # Counted in-process once the commit is done: the app server SIGKILLed above may have
    # committed a booking and died before counting it (each of its 2 workers at most one; seen
    # once in CI: 32 of 33). Every other booking is counted once, on either server.
    counted = value(text, "bookings_created_total")
    assert made - 2 <= counted <= made, (counted, made)
    assert value(text, "http_requests_total", route="/api/v1/bookings", status="201") >= made
    assert value(text, "celery_tasks_total", task="core.dispatch_event", outcome="success") >= 1
