"""Bookings per second and p95 latency through nginx with one and with two app servers (issue 14),
measured in one run: rounds A B A B (1, 2, 1, 2 app servers), each round the real stack command
(deploy/stack.py: nginx, gunicorn app servers of GUNICORN_WORKERS workers, a Celery worker, beat)
on one scratch database, a fresh site of its own per round, `--clients` clients each making
`--per-client` bookings one after the other (each with its Idempotency-Key, each client from its
own loopback address so nginx's per-address limit does not apply). After each round, /metrics of
the first app server (multiprocess: every process of the machine) is compared with the round's
own count of 201 answers and with the bookings in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/stack.py [--clients 20] [--per-client 3] [--rounds 2]

Needs Debian's nginx, PostgreSQL and Redis. The scratch database `bench_stack` is created and
dropped (bench/_common.scratch_database); the queue and the key prefix are the run's own.
Figures and their explanation: docs/benchmarks.md ("The stack: one or two app servers")."""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import percentile, scratch_database  # noqa: E402

SLOTS = ["08:00", "09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "17:00"]
SITE_TZ = ZoneInfo("Europe/Paris")  # the drills' sites (tests/deploy/clients.py, SiteFactory)


@dataclass
class Round:
    app_servers: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    in_database: int = 0
    metrics_created: float = 0.0
    metrics_201: float = 0.0

    @property
    def created(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def _start(day: str, slot: str) -> str:
    local = datetime.combine(date.fromisoformat(day), datetime.strptime(slot, "%H:%M").time())
    return local.replace(tzinfo=SITE_TZ).isoformat()


def _value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples `name` whose labels include `labels` (prometheus-client's parser)."""
    from prometheus_client.parser import text_string_to_metric_families

    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def _measure(stack: Any, round_: Round, tag: str, clients: int, per_client: int) -> None:
    import json

    world = json.loads(
        stack.manage("tests/deploy/clients.py", tag, str(clients), str(clients)).strip()
    )
    # Warm every gunicorn worker (imports, connections) before the clock starts.
    for _ in range(8 * round_.app_servers):
        stack.request("GET", f"/api/v1/services/{world['service']}")
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        me = world["clients"][number]
        source = f"127.0.{1 + number // 200}.{10 + number % 200}"
        connection = stack.connection(source=source, timeout=60)
        barrier.wait()
        try:
            for k in range(per_client):
                body = {
                    "vehicle": me["vehicle"],
                    "service": world["service"],
                    "site": world["site"],
                    "start": _start(world["day"], SLOTS[(number + k) % len(SLOTS)]),
                }
                started = time.perf_counter()
                status, _headers, _answer = stack.request(
                    "POST",
                    "/api/v1/bookings",
                    body,
                    token=me["token"],
                    source=source,
                    keep=connection,
                    **{"Idempotency-Key": f"{tag}-{number}-{k}"},
                )
                took = time.perf_counter() - started
                with lock:
                    round_.latencies.append(took)
                    round_.statuses[status] = round_.statuses.get(status, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    round_.seconds = time.perf_counter() - began

    round_.in_database = int(
        stack.sql(
            "SELECT count(*) FROM bookings_booking b JOIN scheduling_site s ON b.site_id = s.id"
            " WHERE s.public_id = %s",
            world["site"],
        )[0][0]
    )
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{stack.apps[0]}/metrics", timeout=30) as r:
        text = r.read().decode()
    round_.metrics_created = _value(text, "bookings_created_total")
    round_.metrics_201 = _value(text, "http_requests_total", route="/api/v1/bookings", status="201")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    # At most MAX_PENDING_BOOKINGS_PER_CUSTOMER (3) pending bookings each: a fourth is refused.
    parser.add_argument("--per-client", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("bench/stack.py needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")
    os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-stack-{secrets.token_hex(3)}")
    from tests.deploy.conftest import launched_stack

    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/bench_stack"))
    rounds = [Round(app_servers=n) for _ in range(args.rounds) for n in (1, 2)]
    with scratch_database(url), tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for number, round_ in enumerate(rounds):
            print(f"round {number + 1}: {round_.app_servers} app server(s) ...", flush=True)
            directory = Path(tmp) / f"round{number}"
            directory.mkdir()
            with launched_stack(
                directory,
                url,
                STACK_APP_SERVERS=str(round_.app_servers),
                STACK_DEMO="0",
                GUNICORN_TIMEOUT="30",
                IDEMPOTENCY_LEASE_SECONDS="60",
            ) as stack:
                _measure(stack, round_, f"r{number}", args.clients, args.per_client)

    workers = os.environ.get("GUNICORN_WORKERS") or "2"
    print(
        f"\n{args.clients} clients x {args.per_client} bookings through nginx, "
        f"{workers} gunicorn workers per app server, {os.cpu_count()} cores\n"
    )
    header = (
        f"{'round':>5} {'apps':>4} {'201':>5} {'other':>6} {'bookings/s':>10} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'in DB':>6} {'metrics created':>15} {'metrics 201':>11}"
    )
    print(header)
    for number, r in enumerate(rounds):
        others = sum(count for status, count in r.statuses.items() if status != 201)
        p50, p95 = (percentile(r.latencies, q) * 1000 for q in (0.5, 0.95))
        print(
            f"{number + 1:>5} {r.app_servers:>4} {r.created:>5} {others:>6} {r.per_second:>10.1f} "
            f"{p50:>7.0f} {p95:>7.0f} {r.in_database:>6} {r.metrics_created:>15.0f} "
            f"{r.metrics_201:>11.0f}"
        )
    one = statistics.median(r.per_second for r in rounds if r.app_servers == 1)
    two = statistics.median(r.per_second for r in rounds if r.app_servers == 2)
    p95_one = statistics.median(percentile(r.latencies, 0.95) for r in rounds if r.app_servers == 1)
    p95_two = statistics.median(percentile(r.latencies, 0.95) for r in rounds if r.app_servers == 2)
    agree = all(r.created == r.in_database == r.metrics_created == r.metrics_201 for r in rounds)
    print(
        f"\nthroughput 2 apps / 1 app: {two / one:.2f}x ({two:.1f} vs {one:.1f} bookings/s); "
        f"p95 2 apps / 1 app: {p95_two / p95_one:.2f}x"
    )
    for number, r in enumerate(rounds):
        if set(r.statuses) != {201}:
            print(f"round {number + 1} answers: {dict(sorted(r.statuses.items()))}")
    print(f"/metrics agree with the 201 answers and the database in every round: {agree}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
