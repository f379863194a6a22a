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
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from bookings.models import Booking
from core.models import EmailNotification, WebhookDelivery
from tests.accounts.factories import UserFactory
from tests.vehicles.factories import VehicleFactory
from tests.worker import stack as stacks
from tests.worker.conftest import Live, slots

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.postgres]

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
    customers = [UserFactory() for _ in range(12)]
    vehicles = [VehicleFactory(owner=customer) for customer in customers]
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
            stacks.worker(live.stack),
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
