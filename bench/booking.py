"""Benchmark of booking creation on PostgreSQL: through the service in-process, through the API
under gunicorn with 1, 2 and 4 sync workers, and races for one start.

    .venv/bin/python bench/booking.py            # full: about 5 minutes
    .venv/bin/python bench/booking.py --quick    # fewer bookings, one round: a smoke run

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_booking; created,
migrated and dropped at the end; never a test* database), REDIS_URL (default
redis://127.0.0.1:6379/6, keys under the prefix bench_booking, removed at the end; production
settings refuse to start without it), BENCH_NOTES (default /work/notes/bench_booking.md: the
figures, Markdown).
Settings: config.settings.production; a Celery worker of the benchmark's own (broker: REDIS_URL's
server, next database, a queue of the run's own) sends each booking's e-mail by SMTP to a
do-nothing server of the benchmark's own after the commit, as in production (since issue 13 the
request itself no longer sends it).

Every booking asks for a start that no other request of the benchmark asks for at that site: none
conflicts. "spread": client i books at its own site i (8 sites of 2 resources, open 06:00-22:00
every day, 15-minute grid, no notice, 60-day horizon): no two clients ever want the same
resource's calendar lock. "one site": all clients book at one site of 8 resources, consecutive
quarter hours of the same days, as a busy site fills up; the service picks the resource, so
clients may queue for the same lock. The three servers (1, 2, 4 workers) run side by side and
the runs are interleaved over rounds, each run after waiting for the machine to be quiet, so
that another user's load spreads over all of them; the CPU others used is reported per run.
Hot slot: K clients for one start of a one-resource site, released together by a barrier.
Crowded start: 8 clients for one start of a site with 8 free resources: each should get one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time as clock
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
    ROOT,
    OtherLoad,
    Outcome,
    Planned,
    SmtpSink,
    access_times,
    celery_worker,
    errors_logged,
    gunicorn_running,
    markdown_table,
    percentile,
    run_clients,
    scratch_database,
    text_table,
    wait_for_quiet,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_booking"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
CACHE_PREFIX = "bench_booking"
TZ = ZoneInfo("Europe/Paris")
OPENS, CLOSES = time(6), time(22)
DAYS = 57  # starts from tomorrow on, inside the 60-day horizon
SERVICE_CODE = "bench-wash"
SERVICE_MINUTES = 60
SPREAD_SITES = 8
ONE_SITE_RESOURCES = 8
CROWDED_RESOURCES = 8
WORKER_COUNTS = (1, 2, 4)
WORKLOADS = ("spread", "one site")
PATH = "/api/v1/bookings"
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass(frozen=True)
class Size:
    service: int  # bookings through the service, per case
    per_run: int  # bookings per HTTP run (one worker count, one workload, one round)
    rounds: int
    race_rounds: int
    race_clients: int


FULL = Size(service=300, per_run=200, rounds=3, race_rounds=5, race_clients=20)
QUICK = Size(service=60, per_run=60, rounds=1, race_rounds=2, race_clients=20)


def configure_environment() -> dict[str, str]:
    """Production settings on plain local HTTP; runs before Django is imported."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        CACHE_KEY_PREFIX=CACHE_PREFIX,
        EMAIL_HOST="127.0.0.1",
        EMAIL_USE_TLS="false",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        CELERY_TASK_DEFAULT_QUEUE=f"{CACHE_PREFIX}-{secrets.token_hex(4)}",
    )
    if not os.environ.get("CELERY_BROKER_URL"):
        head, _slash, db = os.environ["REDIS_URL"].rpartition("/")
        os.environ["CELERY_BROKER_URL"] = f"{head}/{(int(db or 0) + 1) % 16}"
    import redis

    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2).ping()
    except (redis.RedisError, ValueError) as exc:
        # Production settings need a shared cache (no silent local-memory fallback any more).
        message = f"Redis unreachable at REDIS_URL ({exc}): start it or set REDIS_URL"
        raise SystemExit(message) from exc
    return dict(os.environ)


def forget_cache_keys() -> None:
    if os.environ.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
        for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000):
            client.delete(key)


# -- the world --------------------------------------------------------------------------------


class Calendar:
    """A site and its starts, each handed out once (day after day, `step` minutes apart)."""

    def __init__(self, site: Any, first_day: date, step: int) -> None:
        self.site = site
        self._starts = self._all(first_day, step)

    @staticmethod
    def _all(first_day: date, step: int) -> Iterator[datetime]:
        for offset in range(DAYS):
            day = first_day + timedelta(days=offset)
            for minute in range(OPENS.hour * 60, CLOSES.hour * 60 - SERVICE_MINUTES + 1, step):
                yield datetime.combine(day, time(minute // 60, minute % 60), tzinfo=TZ)

    def take(self) -> datetime:
        return next(self._starts)


@dataclass(frozen=True)
class Customer:
    user: Any
    vehicle_id: uuid.UUID


@dataclass
class World:
    spread: list[Calendar]
    one_site: Calendar
    auto_site: Calendar
    race: Calendar
    crowded: Calendar
    customers: Iterator[Customer]


def build_world(customers: int) -> World:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import User
    from pricing.models import Service
    from scheduling import services as scheduling
    from vehicles.models import Vehicle

    Service.objects.create(
        code=SERVICE_CODE,
        name="Bench wash",
        kind="wash",
        base_duration_minutes=SERVICE_MINUTES,
        base_price=Decimal("50.00"),
        tax_rate=Decimal("20.00"),
        buffer_after_minutes=0,
        excluded_energies=[],
    )
    week = {weekday: [(OPENS, CLOSES)] for weekday in range(1, 8)}
    first_day = datetime.now(TZ).date() + timedelta(days=1)

    def site(name: str, resources: int, step: int, auto_confirm: bool = False) -> Calendar:
        created = scheduling.site_create(
            name=name,
            actor=None,
            hours=week,
            timezone="Europe/Paris",
            address="1 rue du Banc, Paris",
            slot_step_minutes=15,
            min_notice_minutes=0,
            horizon_days=60,
            auto_confirm=auto_confirm,
        )
        for number in range(1, resources + 1):
            scheduling.resource_create(site=created, name=f"Bay {number:02d}", actor=None)
        return Calendar(created, first_day, step)

    world = World(
        spread=[site(f"Spread {i + 1}", 2, 60) for i in range(SPREAD_SITES)],
        one_site=site("One site", ONE_SITE_RESOURCES, 15),
        auto_site=site("Auto-confirm", 2, 60, auto_confirm=True),
        race=site("Race", 1, 60),
        crowded=site("Crowded", CROWDED_RESOURCES, 60),
        customers=iter(()),
    )
    # One password hash for all: an Argon2 hash per user would dominate the set-up for nothing.
    password = make_password(secrets.token_urlsafe(16))
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.com", password=password, first_name="Bench")
        for i in range(customers)
    )
    group = Group.objects.get(name="customer")
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in users
    )
    vehicles = Vehicle.objects.bulk_create(
        Vehicle(
            owner=user,
            plate=f"BK{i:06d}",
            make="Renault",
            model="Clio",
            year=2020,
            category="small",
            energy="petrol",
            is_default=True,
        )
        for i, user in enumerate(users)
    )
    pairs = zip(users, vehicles, strict=True)
    world.customers = iter([Customer(user, vehicle.public_id) for user, vehicle in pairs])
    return world


def customers_needed(size: Size) -> int:
    """One customer (with a vehicle) per booking attempt, never reused."""
    in_process = 2 * (size.service + 25) + 23
    warm_up = sum(4 * workers for workers in WORKER_COUNTS)
    http = size.rounds * len(WORKLOADS) * len(WORKER_COUNTS) * size.per_run
    return in_process + warm_up + http + size.race_rounds * (size.race_clients + CROWDED_RESOURCES)


# -- in-process -------------------------------------------------------------------------------


@dataclass
class InProcess:
    case: str
    count: int
    p50: float
    p95: float
    queries: list[int]
    sql: list[str]
    others: float

    def control(self) -> int:
        return sum(1 for sql in self.sql if sql.startswith(CONTROL))

    def work_queries(self) -> int:
        """The most statements a booking took, less BEGIN, SAVEPOINT, RELEASE, COMMIT."""
        return max(self.queries) - self.control()

    def statements(self) -> str:
        """What CaptureQueriesContext counts, with BEGIN, SAVEPOINT, COMMIT... among them."""
        control = sum(1 for sql in self.sql if sql.startswith(CONTROL))
        low, high = min(self.queries), max(self.queries)
        span = str(low) if low == high else f"{low}-{high}"
        return f"{span} ({len(self.sql) - control} + {control} transaction control)"


def service_case(world: World, calendar: Calendar, case: str, count: int) -> InProcess:
    """`count` bookings through bookings.services.booking_create one after the other, timed;
    queries counted on 20 others (a capturing cursor costs time of its own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.services import BookingRequest, booking_create

    def book() -> None:
        customer = next(world.customers)
        request = BookingRequest(
            vehicle_id=customer.vehicle_id,
            service_code=SERVICE_CODE,
            site_id=calendar.site.public_id,
            start=calendar.take(),
        )
        booking_create(actor=customer.user, request=request)

    for _ in range(5):  # warm-up: templates, connection, first-use caches
        book()
    queries: list[int] = []
    sql: list[str] = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as captured:
            book()
        queries.append(len(captured))
        sql = sql or [query["sql"] for query in captured.captured_queries]
    wait_for_quiet(connection.settings_dict["NAME"])
    others = OtherLoad(connection.settings_dict["NAME"])
    samples = []
    for _ in range(count):
        began = clock.perf_counter()
        book()
        samples.append((clock.perf_counter() - began) * 1000)
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    return InProcess(case, count, p50, p95, queries, sql, others.share())


def api_case(world: World, count: int = 20) -> InProcess:
    """POST /api/v1/bookings through the whole Django stack in-process (Django's test client):
    JWT, throttle, Idempotency-Key, the service, the response's read."""
    import logging

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("core.access").setLevel(logging.WARNING)
    client = Client(HTTP_HOST="127.0.0.1")
    queries: list[int] = []
    samples: list[float] = []
    sql: list[str] = []
    others = OtherLoad(connection.settings_dict["NAME"])
    for index in range(count + 3):  # the first 3 warm up
        planned = plan(next(world.customers), world.one_site)
        headers = {k: v for k, v in planned.headers.items() if k != "Content-Type"}
        with CaptureQueriesContext(connection) as captured:
            began = clock.perf_counter()
            response = client.post(PATH, planned.body, "application/json", headers=headers)
            elapsed = (clock.perf_counter() - began) * 1000
        if response.status_code != 201:
            raise RuntimeError(f"in-process POST: {response.status_code} {response.content!r}")
        if index >= 3:
            queries.append(len(captured))
            samples.append(elapsed)
            sql = sql or [query["sql"] for query in captured.captured_queries]
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    return InProcess(
        "POST /api/v1/bookings, in-process", count, p50, p95, queries, sql, others.share()
    )


# -- HTTP -------------------------------------------------------------------------------------


def plan(customer: Customer, calendar: Calendar, start: datetime | None = None) -> Planned:
    from rest_framework_simplejwt.tokens import AccessToken

    body = {
        "vehicle": str(customer.vehicle_id),
        "service": SERVICE_CODE,
        "site": str(calendar.site.public_id),
        "start": (start or calendar.take()).isoformat(),
    }
    request_id = f"bench-{uuid.uuid4().hex}"
    headers = {
        "Authorization": f"Bearer {AccessToken.for_user(customer.user)}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Request-ID": request_id,
    }
    return Planned(PATH, json.dumps(body).encode(), headers, request_id)


@dataclass
class Run:
    workers: int
    workload: str
    outcomes: list[Outcome]
    others: float = 0.0  # the CPU share other processes used meanwhile
    server_ms: dict[str, float] = field(default_factory=dict)

    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 201]

    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != 201]

    def rate(self) -> float:
        wall = max(o.ended for o in self.outcomes) - min(o.began for o in self.outcomes)
        return len(self.ok()) / wall

    def server(self, outcomes: Sequence[Outcome]) -> list[float]:
        return [self.server_ms[o.request_id] for o in outcomes if o.request_id in self.server_ms]


def throughput_plans(world: World, workload: str, clients: int, total: int) -> list[list[Planned]]:
    per_client = total // clients
    if workload == "spread":
        return [
            [plan(next(world.customers), world.spread[i]) for _ in range(per_client)]
            for i in range(clients)
        ]
    # Consecutive quarter hours dealt round-robin: the requests in flight at any moment are for
    # neighbouring starts of the same day.
    flat = [plan(next(world.customers), world.one_site) for _ in range(per_client * clients)]
    return [flat[i::clients] for i in range(clients)]


@dataclass
class Race:
    name: str
    clients: int
    winners: int  # the 201s each round should have
    rounds: list[Run] = field(default_factory=list)
    active_after: list[int] = field(default_factory=list)  # active bookings at the start

    def outcomes(self) -> list[Outcome]:
        return [o for run in self.rounds for o in run.outcomes]

    def loser_ms(self) -> tuple[list[float], list[float]]:
        """Refusals' times: as the clients saw them, as the app's access log has them."""
        client = [o.ms for run in self.rounds for o in run.refused()]
        return client, [ms for run in self.rounds for ms in run.server(run.refused())]


def race(port: int, world: World, calendar: Calendar, contest: Race, rounds: int) -> Race:
    """`contest.clients` customers for one start, each with a connection already open, released
    together by a barrier; `rounds` times, a new start each time."""
    from bookings.models import Booking

    for _ in range(rounds):
        start = calendar.take()
        plans = [[plan(next(world.customers), calendar, start)] for _ in range(contest.clients)]
        contest.rounds.append(Run(max(WORKER_COUNTS), contest.name, run_clients(port, plans, 60)))
        active = Booking.objects.filter(site_id=calendar.site.pk, start=start)
        contest.active_after.append(active.filter(state__in=("pending", "confirmed")).count())
    return contest


def overlaps_in_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             WHERE a.state IN ('pending', 'confirmed', 'in_progress')
               AND b.state IN ('pending', 'confirmed', 'in_progress')
               AND tstzrange(a.start, a.blocked_until, '[)')
                   && tstzrange(b.start, b.blocked_until, '[)')
            """
        )
        return int(cursor.fetchone()[0])


@dataclass
class Results:
    size: Size
    started: datetime
    in_process: list[InProcess] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    races: list[Race] = field(default_factory=list)
    overlaps: int = -1
    bookings: int = 0
    emails: int = -1
    server_errors: int = 0
    machine: dict[str, str] = field(default_factory=dict)

    def runs_of(self, workers: int, workload: str) -> list[Run]:
        return [r for r in self.runs if r.workers == workers and r.workload == workload]

    def rate(self, workers: int, workload: str) -> float:
        return statistics.median(run.rate() for run in self.runs_of(workers, workload))


def http_phases(world: World, results: Results, env: dict[str, str], logs: Path) -> None:
    """The three servers side by side; rounds of every (workers, workload) in a rotating order;
    then the races against the 4-worker server."""
    size, database = results.size, os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    with ExitStack() as stack:
        servers = {
            workers: stack.enter_context(
                gunicorn_running(
                    workers=workers, env=env, log_path=logs / f"gunicorn-w{workers}.log"
                )
            )
            for workers in WORKER_COUNTS
        }
        for workers, server in servers.items():  # not timed: imports, connections
            plans = throughput_plans(world, "spread", 2 * workers, 4 * workers)
            run_clients(server.port, plans, 60)
        order = [(w, load) for w in WORKER_COUNTS for load in WORKLOADS]
        for round_ in range(size.rounds):
            shift = round_ * len(WORKLOADS) + round_ % 2
            for workers, workload in order[shift % len(order) :] + order[: shift % len(order)]:
                plans = throughput_plans(world, workload, 2 * workers, size.per_run)
                wait_for_quiet(database)
                others = OtherLoad(database)
                run = Run(workers, workload, run_clients(servers[workers].port, plans, 180))
                run.others = others.share()
                results.runs.append(run)
                print(
                    f"round {round_ + 1}: -w {workers} {workload:<8}: {len(run.ok())} booked, "
                    f"{run.rate():.1f}/s, refused {len(run.refused())}, "
                    f"others used {run.others:.0%} of the CPU",
                    flush=True,
                )
        hot = Race("hot slot, 1 resource", size.race_clients, 1)
        crowded = Race(
            f"crowded start, {CROWDED_RESOURCES} free resources",
            CROWDED_RESOURCES,
            CROWDED_RESOURCES,
        )
        for raced, calendar in ((hot, world.race), (crowded, world.crowded)):
            wait_for_quiet(database)
            results.races.append(
                race(servers[max(WORKER_COUNTS)].port, world, calendar, raced, size.race_rounds)
            )
    times: dict[str, float] = {}
    for workers in WORKER_COUNTS:
        times |= access_times(logs / f"gunicorn-w{workers}.log")
        results.server_errors += errors_logged(logs / f"gunicorn-w{workers}.log")
    for run in results.runs + [run for raced in results.races for run in raced.rounds]:
        run.server_ms = times


def machine() -> dict[str, str]:
    from django.db import connection

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    dirty = git("status", "--porcelain", "--untracked-files=no").strip()
    return {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "postgres": postgres,
        "cache": "Redis db 6" if os.environ.get("REDIS_URL") else "local memory",
        "commit": git("rev-parse", "--short", "HEAD").strip()
        + (" plus uncommitted changes in the shared tree" if dirty else ""),
    }


def _wait_for_emails(bookings: int, timeout_s: float = 180.0) -> None:
    """The worker sends the e-mails after the commits: wait until it has sent one per booking."""
    from core.models import EmailNotification

    deadline = clock.monotonic() + timeout_s
    while clock.monotonic() < deadline:
        if EmailNotification.objects.filter(status="sent").count() >= bookings:
            return
        clock.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Booking creation benchmark (PostgreSQL).")
    parser.add_argument("--quick", action="store_true", help="fewer bookings: a smoke run")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    env = configure_environment()
    sink = SmtpSink()
    env["EMAIL_PORT"] = os.environ["EMAIL_PORT"] = str(sink.port)
    results = Results(size=size, started=datetime.now(UTC))
    try:
        with (
            scratch_database(os.environ["DATABASE_URL"], keep=args.keep_db),
            tempfile.TemporaryDirectory(prefix="bench_booking_") as logs,
            celery_worker(env, Path(logs) / "worker.log", concurrency=2),
        ):
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            from bookings.models import Booking

            call_command("migrate", verbosity=0)
            results.machine = machine()
            world = build_world(customers_needed(size))
            print(f"set up: {results.machine}", flush=True)
            results.in_process = [
                service_case(world, world.one_site, "booking_create, pending", size.service),
                service_case(world, world.auto_site, "booking_create, auto-confirm", size.service),
                api_case(world),
            ]
            connection.close()
            http_phases(world, results, env, Path(logs))
            results.overlaps = overlaps_in_database()
            results.bookings = Booking.objects.count()
            _wait_for_emails(results.bookings)
            connection.close()
    finally:
        results.emails = sink.stop()
        forget_cache_keys()
    print(summary(results))
    notes = Path(os.environ.get("BENCH_NOTES", "/work/notes/bench_booking.md"))
    notes.write_text(markdown(results, quick=args.quick))
    print(f"figures written to {notes}")


# -- report -----------------------------------------------------------------------------------


def _ms(values: Sequence[float]) -> str:
    return f"{percentile(values, 0.5):.1f} / {max(values):.1f}" if values else "-"


def _counts(outcomes: Sequence[Outcome]) -> str:
    counted = Counter(f"{o.status} {o.code}".strip() for o in outcomes)
    return ", ".join(f"{key} x{n}" for key, n in sorted(counted.items())) or "none"


def _ratio(results: Results, workload: str) -> float:
    return results.rate(max(WORKER_COUNTS), workload) / results.rate(1, workload)


def _http_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for workers in WORKER_COUNTS:
        for workload in WORKLOADS:
            runs = results.runs_of(workers, workload)
            ok = [o for run in runs for o in run.ok()]
            server = [ms for run in runs for ms in run.server(run.ok())]
            rates = sorted(run.rate() for run in runs)
            rows.append([
                workers, 2 * workers, workload, len(ok),
                _counts([o for run in runs for o in run.refused()]),
                f"{results.rate(workers, workload):.1f}", f"{rates[0]:.1f}-{rates[-1]:.1f}",
                f"{percentile([o.ms for o in ok], 0.5):.0f}",
                f"{percentile([o.ms for o in ok], 0.95):.0f}",
                f"{percentile(server, 0.5):.0f}", f"{percentile(server, 0.95):.0f}",
                f"{max(run.others for run in runs):.0%}",
            ])  # fmt: skip
    return rows


def _tables(results: Results) -> dict[str, tuple[list[str], list[list[object]]]]:
    in_process = [
        [p.case, p.count, f"{p.p50:.1f}", f"{p.p95:.1f}", p.statements(), f"{p.others:.0%}"]
        for p in results.in_process
    ]
    races = []
    for raced in results.races:
        client, server = raced.loser_ms()
        actives = "/".join(map(str, raced.active_after))
        races.append([raced.name, raced.clients, len(raced.rounds), _counts(raced.outcomes()),
                      actives, _ms(client), _ms(server)])  # fmt: skip
    return {
        "in-process": (
            ["case", "bookings", "p50 ms", "p95 ms", "queries per booking", "others' CPU"],
            in_process,
        ),
        "HTTP": (
            ["workers", "clients", "workload", "201", "refused", "bookings/s (median)",
             "bookings/s (range)", "p50 ms", "p95 ms", "server p50 ms", "server p95 ms",
             "others' CPU (max)"],
            _http_rows(results),
        ),
        "races (gunicorn -w 4)": (
            ["race", "clients", "rounds", "outcomes, all rounds", "active bookings per round",
             "refusal ms p50 / max (client)", "refusal ms p50 / max (server)"],
            races,
        ),
    }  # fmt: skip


def _targets(results: Results) -> list[list[object]]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**MISSED**"

    service = max(p.work_queries() for p in results.in_process[:2])
    api = results.in_process[2].work_queries()
    rows: list[list[object]] = [
        [
            "<= 15 queries per booking (booking_create; its e-mail is the worker's since issue"
            " 13; BEGIN/SAVEPOINT/RELEASE/COMMIT not counted)",
            service,
            verdict(service <= 15),
        ],
        [
            "<= 15 queries per booking (the whole POST, for information; same count)",
            api,
            verdict(api <= 15),
        ],
    ]
    for workload in WORKLOADS:
        ratio = _ratio(results, workload)
        rows.append([f"4 workers / 1 worker >= 1.5x ({workload}, medians)", f"{ratio:.2f}x",
                     verdict(ratio >= 1.5)])  # fmt: skip
    refused = sum(len(run.refused()) for run in results.runs)
    rows.append(["every non-conflicting booking is made (HTTP runs)", f"{refused} refused",
                 verdict(refused == 0)])  # fmt: skip
    for raced in results.races:
        won = [sum(o.status == 201 for o in run.outcomes) for run in raced.rounds]
        others = {(o.status, o.code) for o in raced.outcomes() if o.status != 201}
        exact = others <= {(409, "slot_unavailable"), (409, "taken")} and all(
            n == raced.winners for n in won + raced.active_after
        )
        target = f"{raced.name}: {raced.winners} x 201 per round, the others 409 lost or taken"
        rows.append([target, "/".join(map(str, won)) + " x 201", verdict(exact)])
    client, server = results.races[0].loser_ms()
    worst_server, worst_client = max(server, default=float("nan")), max(client)
    rows.append(["a lost race answers in <= 100 ms: server time (app's access log), max",
                 f"{worst_server:.1f} ms", verdict(worst_server <= 100)])  # fmt: skip
    rows.append(["the same seen by the client, waiting for one of 4 workers included, max",
                 f"{worst_client:.1f} ms", verdict(worst_client <= 100)])  # fmt: skip
    rows.append(["no two active bookings overlap (SQL self-join, all bookings)",
                 f"{results.overlaps} overlaps", verdict(results.overlaps == 0)])  # fmt: skip
    rows.append(["one e-mail per booking (SMTP sink)", f"{results.emails} / {results.bookings}",
                 verdict(results.emails == results.bookings)])  # fmt: skip
    rows.append(["no error in the servers' logs", results.server_errors,
                 verdict(results.server_errors == 0)])  # fmt: skip
    return rows


def _refusals(results: Results) -> list[str]:
    counted = Counter(o.message for run in results.runs for o in run.refused())
    return [f"{n} x {message!r}" for message, n in counted.items()]


def summary(results: Results) -> str:
    out = []
    for title, (header, rows) in _tables(results).items():
        out += ["", f"{title}:", *text_table(header, rows)]
    out += ["", "targets:"]
    out += [f"  {str(v).strip('*'):<7} {t}: {m}" for t, m, v in _targets(results)]
    out += [f"  refused in the HTTP runs: {line}" for line in _refusals(results)]
    return "\n".join(out)


def markdown(results: Results, *, quick: bool) -> str:
    m, tables, size = results.machine, _tables(results), results.size
    lines = [
        "## Booking creation (bench/booking.py)",
        "",
        f"Measured {results.started:%Y-%m-%d %H:%M} UTC{' (a --quick run)' if quick else ''} on "
        f"a machine with **{m.get('cores')} CPU cores**, shared by PostgreSQL {m.get('postgres')}"
        ", Redis, the gunicorn workers, the load generator and the SMTP sink (4 workers compete "
        'for 2 cores), and with other users: "others\' CPU" is the share of the machine that '
        f"processes not ours used meanwhile. Python {m.get('python')}, cache {m.get('cache')}, "
        f"git {m.get('commit')}.",
        "",
        "Reproduce from the repository root: `.venv/bin/python bench/booking.py` (`--quick` for "
        "a smoke run). It creates, migrates and drops the database `bench_booking` on the server "
        "of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_booking), uses Redis "
        "db 6 and config.settings.production, and a Celery worker of its own sends each "
        "booking's e-mail by SMTP to a do-nothing local server after the commit. The workloads "
        "are described in the script's docstring.",
        "",
        "### Targets",
        "",
        *markdown_table(["target", "measured", "verdict"], _targets(results)),
        "",
        *[f"Refused in the HTTP runs: {line}." for line in _refusals(results)],
        "",
        "### In-process",
        "",
        f"{size.service} bookings one after the other per case; the e-mail is handed to the "
        "worker after the commit (a publish to Redis, no query). Queries as "
        "CaptureQueriesContext counts them (BEGIN, SAVEPOINT and COMMIT included), over 20 "
        "bookings.",
        "",
        *markdown_table(*tables["in-process"]),
        "",
        "### HTTP: POST /api/v1/bookings under gunicorn (deploy/gunicorn.conf.py, sync workers)",
        "",
        f"{size.rounds} rounds of {size.per_run} non-conflicting bookings per line, 2 clients per"
        " worker, each request with its own customer, JWT and Idempotency-Key. Client latency "
        "includes waiting for a free worker; server times are the app's own access-log times. "
        "Sync workers close the connection after each response: each request opens a new one.",
        "",
        *markdown_table(*tables["HTTP"]),
        "",
        "### Races over HTTP (gunicorn -w 4), clients released together by a barrier",
        "",
        *markdown_table(*tables["races (gunicorn -w 4)"]),
        "",
    ]
    for case in results.in_process:
        lines += [f"<details><summary>The queries of one {case.case}</summary>", ""]
        lines += [f"{i}. `{sql[:150]}`" for i, sql in enumerate(case.sql, 1)]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
