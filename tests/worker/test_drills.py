"""Failure drills with real processes (issue 14, "Failure drills"; CI runs them): the Celery worker
killed in the middle of a task, and Redis (broker and cache) stopped during traffic.

- Worker: the pool process sending an e-mail is SIGKILLed while the mail server has not yet
  acknowledged the message. The message is delivered to the worker again (acks late, rejected on
  worker lost), and the e-mail goes out exactly once: the second run finds the row claimed, and
  once the dead process's lease runs out (DELIVERY_LEASE_SECONDS, 3 s here, 120 s in production)
  the sweeper hands it again.
- Redis: a redis-server of the test's own is the broker and the cache of gunicorn and the worker;
  it is stopped for DRILL_REDIS_OUTAGE_SECONDS (30 by default) while bookings keep coming. The API
  keeps answering (201), /ready says 503 during the outage and 200 after, and every booking's
  e-mail and webhook goes out once after Redis is back (what the broker lost with Redis is handed
  again by beat's sweeper from the database).
- PostgreSQL: a cluster of the test's own (initdb on a spare port) stopped and started while
  clients book through gunicorn, retrying with their Idempotency-Key: 503 envelopes meanwhile,
  bookings again within seconds, every booking asked for stored once with its history and event.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bookings.models import Booking
from core.models import EmailNotification, WebhookDelivery
from tests.accounts.factories import UserFactory
from tests.vehicles.factories import VehicleFactory
from tests.worker import stack as stacks
from tests.worker.conftest import Live, slots

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.postgres]

SLOTS = ["08:00", "09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "17:00"]
OUTAGE_SECONDS = float(os.environ.get("DRILL_REDIS_OUTAGE_SECONDS", "30"))


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the worker's pool processes), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing bracket.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"


def test_a_worker_killed_while_sending_an_email_sends_it_once_afterwards(live_world: Live) -> None:
    live = live_world
    live.smtp.hold_next = 1
    live.stack.env.update(
        DELIVERY_LEASE_SECONDS="3",
        OUTBOX_SWEEP_EVERY_SECONDS="1",
        OUTBOX_SWEEP_AFTER_SECONDS="1",
        # Longer than the drill: the sender must die waiting, not give up on its own.
        EMAIL_TIMEOUT="30",
    )
    worker_log = live.stack.logs / "worker.log"
    with (
        stacks.worker(live.stack, concurrency=1) as worker,
        stacks.beat(live.stack),
        stacks.gunicorn(live.stack, workers=1) as port,
    ):
        live.port = port
        status, body = live.book(
            live.world.customer, live.world.vehicle, slots(live.world, 1)[0], "drill-kill"
        )
        assert status == 201, body
        assert live.smtp.holding.wait(60), _tail(worker_log)
        (pool_process,) = _children(worker.pid)
        os.kill(pool_process, signal.SIGKILL)
        live.smtp.drop_held()  # the connection died with its sender: nothing was accepted
        assert live.smtp.wait_for(1, within=60), _tail(worker_log)
        assert live.receiver.wait_for(1, within=30), _tail(worker_log)
        # Time for a duplicate to show up, were there going to be one (lease and sweep: 3 s + 1 s).
        time.sleep(6)

    assert live.smtp.held == 1
    (message,) = live.smtp.messages
    assert body["reference"] in message["Subject"]
    row = EmailNotification.objects.get()
    assert row.status == "sent"
    assert row.attempts == 2  # the killed attempt and the one that went out
    log = worker_log.read_text(errors="replace")
    assert "SIGKILL" in log or "WorkerLostError" in log, log[-4000:]
    # The killed task itself was delivered to the worker again (acks late).
    received = Counter(re.findall(r"Task core\.send_email\[([0-9a-f-]+)\] received", log))
    assert received, log[-4000:]
    assert received.most_common(1)[0][1] >= 2, log[-4000:]
    assert len(live.receiver.received) == 1


def _ready(port: int, *, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/ready")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_redis_stopped_during_traffic_loses_and_doubles_no_email_or_webhook(
    live_world: Live,
) -> None:
    live = live_world
    customers = [UserFactory.create() for _ in range(12)]
    vehicles = [VehicleFactory.create(owner=customer) for customer in customers]
    starts = slots(live.world, len(customers))
    with stacks.RedisServer() as redis:
        live.stack = stacks.stack_env(
            database=live.stack.env["DATABASE_URL"],
            smtp_port=int(live.stack.env["EMAIL_PORT"]),
            logs=live.stack.logs,
            broker=redis.url,
            REDIS_URL=redis.url,
            CELERY_BROKER_URL=redis.url,
            WEBHOOK_ALLOW_PRIVATE_NETWORKS="true",
            EMAIL_RETRY_BASE_SECONDS="0.5",
            EMAIL_RETRY_MAX_SECONDS="2",
            OUTBOX_SWEEP_EVERY_SECONDS="1",
            OUTBOX_SWEEP_AFTER_SECONDS="2",
        )
        worker_log = live.stack.logs / "worker.log"
        statuses: list[int] = []
        with (
            stacks.worker(live.stack, as_deployed=True),
            stacks.beat(live.stack) as beat,
            stacks.gunicorn(live.stack) as port,
        ):
            live.port = port
            # The first answer waits for gunicorn's workers to boot (slow on a busy machine).
            assert _ready(port, timeout=90) == 200

            def book(n: int) -> None:
                status, answer = live.book(customers[n], vehicles[n], starts[n], f"drill-redis-{n}")
                assert status == 201, answer
                statuses.append(status)

            for n in range(4):
                book(n)
            assert live.smtp.wait_for(4, within=60), _tail(worker_log)

            redis.stop()
            outage_started = time.monotonic()
            ready_during = _ready(port)
            for n in range(4, 8):  # while Redis is down: the API keeps taking bookings
                book(n)
            while time.monotonic() - outage_started < OUTAGE_SECONDS:
                assert beat.poll() is None, _tail(live.stack.logs / "beat.log")
                time.sleep(0.5)
            sent_during = len(live.smtp.messages)
            redis.start()  # same port, empty: the broker lost whatever it held

            for n in range(8, 12):
                book(n)
            assert live.smtp.wait_for(12, within=90), _tail(worker_log)
            assert live.receiver.wait_for(12, within=90), _tail(worker_log)
            ready_after = _ready(port)
            time.sleep(4)  # time for a duplicate to show up, were there going to be one

    assert statuses == [201] * 12
    assert ready_during == 503
    assert ready_after == 200
    assert sent_during == 4  # nothing went out while the broker was away
    references = set(Booking.objects.values_list("reference", flat=True))
    assert len(references) == 12
    subjects = Counter(
        next(ref for ref in references if ref in str(message["Subject"]))
        for message in live.smtp.messages
    )
    assert subjects == Counter(dict.fromkeys(references, 1))
    hooks = Counter(
        json.loads(item.body)["data"]["booking"]["reference"] for item in live.receiver.received
    )
    assert hooks == Counter(dict.fromkeys(references, 1))
    assert set(EmailNotification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def _post(port: int, token: str, body: dict[str, str], key: str) -> tuple[int, dict[str, str], Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/v1/bookings",
            body=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        raw = response.read()
        return response.status, dict(response.getheaders()), json.loads(raw or b"{}")
    finally:
        conn.close()


@pytest.mark.skipif(
    not stacks.PostgresCluster.available(), reason="needs Debian's PostgreSQL 15 server binaries"
)
def test_postgresql_restarted_during_bookings_answers_503_then_serves_again(
    tmp_path: Path,
) -> None:
    """A PostgreSQL cluster of the test's own is stopped while clients book through gunicorn
    and started again: during the outage every answer is the 503 envelope with Retry-After,
    the app books again within seconds of the database's return (no restart), and each booking
    asked for exists once, whole (its history and its event), whatever answer its client saw
    (a retry of a request the outage cut is told "in flight", 409, until its key's lease ends)."""
    import subprocess
    import sys

    from tests.sinks import SmtpSink, start_smtp

    clients, per_client = 8, 3
    running, stop_smtp = start_smtp(SmtpSink())
    try:
        with stacks.PostgresCluster() as pg:
            stack = stacks.stack_env(
                database=pg.url,
                smtp_port=running.port,
                logs=tmp_path,
                # No worker here: the outbox runs its consumers in the request's process.
                CELERY_TASK_ALWAYS_EAGER="true",
                # A request cut by the outage leaves its key in flight for the lease (60 s in
                # production): its client's retries are told so (409) until then.
                IDEMPOTENCY_LEASE_SECONDS="3",
            )

            def manage(*argv: str) -> str:
                done = subprocess.run(
                    [sys.executable, *argv],
                    cwd=stacks.ROOT,
                    env=stack.env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                assert done.returncode == 0, done.stderr[-4000:]
                return done.stdout

            manage("manage.py", "migrate", "--noinput", "--verbosity", "0")
            world = json.loads(
                manage("tests/deploy/clients.py", "pg", str(clients), str(clients)).strip()
            )
            answers: list[tuple[int, dict[str, str], Any]] = []
            # (when the request was sent, its answer): the outage's answers are those of the
            # requests sent while the server was stopped, whenever they were read.
            timed: list[tuple[float, tuple[int, dict[str, str], Any]]] = []
            booked = 0
            lock = threading.Lock()
            stop_at = time.monotonic() + 240

            with stacks.gunicorn(stack) as port:

                def client(number: int) -> None:
                    nonlocal booked
                    me = world["clients"][number]
                    for k in range(per_client):
                        slot = SLOTS[(number + k) % len(SLOTS)]
                        body = {
                            "vehicle": me["vehicle"],
                            "service": world["service"],
                            "site": world["site"],
                            "start": f"{world['day']}T{slot}:00+01:00",
                        }
                        while time.monotonic() < stop_at:
                            sent_at = time.monotonic()
                            answer = _post(port, me["token"], body, f"pg-{number}-{k}")
                            with lock:
                                answers.append(answer)
                                timed.append((sent_at, answer))
                                if answer[0] == 201:
                                    booked += 1
                            if answer[0] == 201:
                                break
                            time.sleep(0.2)  # a client retrying with the same key

                threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
                for thread in threads:
                    thread.start()
                while booked < clients and time.monotonic() < stop_at:
                    time.sleep(0.05)
                pg.stop()  # a restart: the server goes away under the traffic
                stopped = time.monotonic()
                time.sleep(4)
                starting = time.monotonic()
                pg.start()
                back = time.monotonic()
                served_again = None
                while served_again is None and time.monotonic() < back + 30:
                    with lock:
                        if any(t >= starting and a[0] == 201 for t, a in timed):
                            served_again = time.monotonic() - back
                    time.sleep(0.05)
                down_answers = [a for t, a in timed if stopped <= t < starting]
                for thread in threads:
                    thread.join(timeout=120)

            rows = stacks_sql(
                pg.url,
                """
                SELECT b.reference,
                       (SELECT count(*) FROM bookings_bookingevent e
                         WHERE e.booking_id = b.id AND e.action = 'create'),
                       (SELECT count(*) FROM core_outboxevent o
                         WHERE o.type = 'booking.created' AND o.aggregate_id = b.public_id::text)
                  FROM bookings_booking b
                """,
            )
    finally:
        stop_smtp()

    statuses = Counter(status for status, _h, _b in answers)
    assert set(statuses) <= {201, 409, 503}, statuses
    in_flight = [body["error"]["code"] for status, _h, body in answers if status == 409]
    assert set(in_flight) <= {"idempotency_in_flight"}, in_flight
    assert down_answers, "no request was answered during the outage"
    for status, headers, body in down_answers:
        assert status == 503, (status, body)
        assert headers.get("Retry-After"), headers
        assert body["error"]["code"] == "service_unavailable", body
    assert served_again is not None, "no booking was made after the database came back"
    assert served_again < 10, f"served again {served_again:.1f} s after the database's return"
    assert statuses[201] == clients * per_client
    assert len(rows) == clients * per_client
    assert all(history == 1 and events == 1 for _ref, history, events in rows), rows


def stacks_sql(url: str, query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return list(conn.execute(query).fetchall())
