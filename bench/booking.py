"""Benchmark of booking creation on PostgreSQL against issue 16's targets: through the service
in-process (queries per booking), through the API under gunicorn with 1 and 4 sync workers (2 as
well in the full run) against a hello-world app on the same gunicorn in the same run, and races
for one start.

    .venv/bin/python bench/booking.py            # full: 3 rounds, several minutes
    .venv/bin/python bench/booking.py --quick    # 1 and 4 workers, one round: under 3 minutes

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_booking; created,
migrated and dropped at the end; never a test* database), REDIS_URL (default
redis://127.0.0.1:6379/6; production settings refuse to start without it), BENCH_CACHE_PREFIX
(default bench_booking: the cache keys' prefix, those keys removed at the end),
CELERY_BROKER_URL (default: REDIS_URL's server, next database; a queue of the run's own),
BENCH_NOTES (default /work/notes/bench_booking.md: the figures, Markdown).
Settings: config.settings.production; a Celery worker of the benchmark's own sends each
booking's e-mail by SMTP to a do-nothing server of the benchmark's own after the commit, as in
production.

Every booking asks for a start that no other request of the benchmark asks for at that site: none
conflicts. "spread": client i books at its own site i (8 sites of 2 resources, open 06:00-22:00
every day, 15-minute grid, no notice, 60-day horizon): no two clients ever want the same
resource's calendar lock. "one site": all clients book at one site of 8 resources, consecutive
quarter hours of the same days, as a busy site fills up; the service picks the resource, so
clients may queue for the same lock. 2 clients per worker (bench/_common.run_clients: threads,
http.client, a new connection per request as sync workers close it).

Hello-world: bench/hello_wsgi.py under the same command and config (deploy/gunicorn.conf.py,
sync workers), sent the same bytes by the same client (one booking's request over and over),
with one change: no worker recycling (see hello_env). Each booking run follows a hello-world run
of the same worker count (A B A B); the servers (booking and hello-world, each worker count) run
side by side, warmed up, and the runs rotate over rounds, so that another user's load spreads
over all of them. The ratio bookings/s : hello/s and 4 workers : 1 worker are medians of the same
run. A second hello-world client (2 processes, twice the clients) checks that the benchmark's
own client is not what limits the hello-world figure: the ratio takes the better of the two
medians, and the target line says CLIENT-BOUND if the benchmark's client process used about a
core (its threads share one interpreter lock) while the wider client got >= 1.1x more.

Before each run (`settle`): the worker done with the e-mails so far, then up to a few seconds'
wait for a quiet machine. Over each run the CPU of each party is measured (bench/_common.CpuUse:
the gunicorn server with its recycled workers, PostgreSQL's backends, the client, the Celery
worker, other users, stolen time, the share of time some task waited for a core) and reported
per request, with PostgreSQL's round trip (SELECT 1) just before.

Hot slot: K clients for one start of a one-resource site, released together by a barrier; the
losers' server-side median (the app's access lines) is the issue's "lost race" figure.
Crowded start: 8 clients for one start of a site with 8 free resources: each should get one.

Why absolute figures vary from one quiet run to another (measured 2026-12-02 on the 2-core
machine; the Markdown repeats it): see VARIANCE_NOTE below. In short, a booking is a chain of
some 50 process wake-ups (client, gunicorn, PostgreSQL backend per round trip, Redis), and on
this guest their cost depends on the host (not visible from inside: no cpufreq, steal reads 0)
and on other users' load, which waiting for a quiet second does not remove; the e-mail worker
costs about as much CPU per booking as the request and ran, unseen, into the next run; a
hello-world worker was recycled every second. The last two are fixed here; the others are
reported per run (others' CPU, CPU waited, SELECT 1) so that a figure can be read against them.
Read the ratios, and CPU ms per request, which move much less than bookings/s or the medians.
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
    CpuUse,
    Gunicorn,
    Outcome,
    Planned,
    SmtpSink,
    access_times,
    celery_worker,
    errors_logged,
    markdown_table,
    percentile,
    run_clients,
    scratch_database,
    text_table,
    wait_for_quiet,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_booking"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
CACHE_PREFIX = os.environ.get("BENCH_CACHE_PREFIX", "bench_booking")
TZ = ZoneInfo("Europe/Paris")
OPENS, CLOSES = time(6), time(22)
DAYS = 57  # starts from tomorrow on, inside the 60-day horizon
SERVICE_CODE = "bench-wash"
SERVICE_MINUTES = 60
SPREAD_SITES = 8
ONE_SITE_RESOURCES = 8
CROWDED_RESOURCES = 8
WORKLOADS = ("spread", "one site")
# The hello-world runs (bench/hello_wsgi.py): the benchmark's client (one process, 2 threads per
# worker), and a wider one (2 processes with as many threads each) to see whether the first is
# what limits the figure.
HELLO = "hello-world"
HELLO_WIDE = "hello-world, 2 client processes"
HELLOS = (HELLO, HELLO_WIDE)
PATH = "/api/v1/bookings"
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


# Issue 16's targets.
MAX_QUERIES = 10  # per booking through booking_create, transaction control aside
MAX_SERVER_MS = 8.0  # one worker: the server-side median of a booking
MIN_HELLO_SHARE = 1 / 25  # one worker: bookings/s over hello-world requests/s
MIN_SCALING = 1.8  # 4 workers on 2 cores / 1 worker, bookings/s
MAX_LOST_MS = 10.0  # the lost race, server-side median
# The benchmark's client limits a hello-world figure if its process used about a core (its
# threads share one interpreter lock) and a wider client (2 processes, twice the clients) got
# this much more or better.
CLIENT_BOUND = 1.1
CLIENT_CORES = 0.85

VARIANCE_NOTE = [
    "**Why the absolute figures vary from one run to another, quiet or not** (investigated "
    "2026-12-02 with `--quick` runs and probes on this machine; the ratios of one run are what "
    "to compare):",
    "",
    "- *The machine is a small virtual machine inside another* (Firecracker, `nested_pvm=1` and "
    "`haltpoll.guest_halt_poll_ns=0` on the kernel command line): an idle vCPU halts at once and "
    "waking it is a trip through the host. A booking is a chain of some 50 wake-ups (client, "
    "gunicorn worker, a PostgreSQL backend for each of its ~25 round trips, Redis); what each "
    "costs depends on the host's own load, which the guest cannot see (no cpufreq, steal time "
    "reads 0). Probe, hello-world with 1 worker, interleaved in the same minute: client and "
    "server pinned to different cores 764-930 requests/s, to the same core 1289-1630/s, free "
    "868-2382/s. Pinning (`sched_setaffinity`) therefore makes it worse and is not used; the "
    "`SELECT 1` round trip measured before each run (40-85 us here) is the yardstick of that "
    "state. With the e-mail worker below, it is the likely reason why two runs that each saw "
    "others' CPU at 1-2 % differ twofold (server median 25 ms on 2026-11-23, 53 ms on "
    "2026-12-02 02:29, a few minutes after the machine booted); neither showed in the old "
    "report.",
    "- *Other users' load*: on a shared 2-core machine it changes from second to second (here "
    "others used 40-65 % of the machine during every run, load average 2-6), and "
    "`wait_for_quiet` (a second under 10 %) then only times out; a booking's server time is "
    'then mostly waiting for a core ("CPU waited" 65-100 %). In one quick run -w 1 made 6.5 '
    "and 12.4 bookings/s in two consecutive runs, as others went from 61 % to 39 %. Shown per "
    'run; compare absolute figures only at like "others\' CPU". 4 workers / 1 worker needs '
    "the second core: with others on about one of the two, it cannot show (1.0-1.6x here).",
    "- *The e-mail worker* (since issue 13) spends 25-32 ms of CPU per booking's e-mail, as "
    "much as the request itself, on the same 2 cores, and the old `OtherLoad` counted it as "
    "ours (invisible). Experiment (worker stopped with SIGSTOP during a run, not kept): -w 1 "
    "went from 8.4 to 12.7 bookings/s (spread) and from 6.5 to 11.2 (one site). It also used to "
    "send one run's e-mails during the next run: **fixed**, each run now waits for the e-mails "
    "of the bookings so far (`settle`), and the worker's CPU per booking is reported. It caps "
    "4 workers / 1 worker on 2 cores too: the e-mails take a share of the cores the 4 workers "
    "would use.",
    "- *Worker recycling*: `max_requests` (2000 +- 200) recycled a hello-world worker every "
    "second or so, each time about 40 ms without a worker (5-6 % of a run, depending on where "
    "the run fell in the cycle): **fixed** for the hello-world server only (`--max-requests "
    "0`); booking workers are never recycled within a run (the count is printed).",
    "- *The client*: the benchmark's client (one process, 2 threads per worker) uses about "
    "0.25 ms of CPU per request, as much as the hello-world server, but its process never used "
    "more than about half a core in these runs: it waits for the server, not for its "
    "interpreter lock. A second client (2 processes, twice the threads), run in the same "
    "round, got 0.71x-1.59x the benchmark's figure from one worker - no direction, the "
    "machine's noise between two 2-3 s runs (more client processes also take cores from the "
    "server). The ratio takes the better of the two; the check runs every time (target lines).",
    "- Smaller ones, handled: planner statistics (ANALYZE after the set-up; autovacuum runs "
    "during the HTTP runs are counted), first-use costs (8 requests per worker before the "
    "clock), the gunicorn servers booted together before any run. No cpufreq governor to set.",
    "- What moves least: CPU ms per request. With one worker, across four quick runs, the "
    "server spent 31-42 ms of CPU per booking and 0.23-0.32 ms per hello-world request, while "
    "bookings/s went from 5.9 to 12.4 and the server median from 77 to 171 ms.",
]


@dataclass(frozen=True)
class Size:
    service: int  # bookings through the service, per case
    per_run: int  # bookings per HTTP run (one worker count, one workload, one round)
    rounds: int
    race_rounds: int
    race_clients: int
    workers: tuple[int, ...]  # the gunicorn servers, by worker count
    hello_s: float  # the length of a hello-world run
    quiet_s: float  # the longest wait for a quiet machine before a run


FULL = Size(
    service=300,
    per_run=200,
    rounds=3,
    race_rounds=5,
    race_clients=20,
    workers=(1, 2, 4),
    hello_s=5.0,
    quiet_s=30.0,
)
QUICK = Size(
    service=40,
    per_run=40,
    rounds=1,
    race_rounds=2,
    race_clients=20,
    workers=(1, 4),
    hello_s=3.0,
    quiet_s=2.0,
)


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


WARM_UP = 8  # requests per worker before the clock starts


def customers_needed(size: Size) -> int:
    """One customer (with a vehicle) per booking attempt, never reused (the hello-world runs
    send one booking's request, its JWT and all, over and over: one customer)."""
    in_process = 2 * (size.service + 25) + 23
    warm_up = sum(WARM_UP * workers for workers in size.workers)
    http = size.rounds * len(WORKLOADS) * len(size.workers) * size.per_run
    races = size.race_rounds * (size.race_clients + CROWDED_RESOURCES)
    return in_process + warm_up + http + races + 1


# -- in-process -------------------------------------------------------------------------------


@dataclass
class InProcess:
    case: str
    count: int
    p50: float
    p95: float
    queries: list[int]  # per counted booking, all statements
    work: list[int]  # per counted booking, less BEGIN, SAVEPOINT, RELEASE, COMMIT
    sql: list[str]  # one booking's statements
    others: float

    def work_queries(self) -> int:
        """The most statements a booking took, transaction control aside (as the pinned test
        tests/bookings/services/test_query_counts.py counts them)."""
        return max(self.work)

    def statements(self) -> str:
        """What CaptureQueriesContext counts, with BEGIN, SAVEPOINT, COMMIT... among them."""
        low, high = min(self.queries), max(self.queries)
        span = str(low) if low == high else f"{low}-{high}"
        work = max(self.work)
        return f"{span} ({work} + {high - work} transaction control)"


def _work(captured: Any) -> int:
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith(CONTROL))


def service_case(
    world: World, calendar: Calendar, case: str, count: int, quiet_s: float
) -> InProcess:
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
    work: list[int] = []
    sql: list[str] = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as captured:
            book()
        queries.append(len(captured))
        work.append(_work(captured))
        sql = sql or [query["sql"] for query in captured.captured_queries]
    settle(quiet_s)
    cpu = CpuUse(connection.settings_dict["NAME"])
    samples = []
    for _ in range(count):
        began = clock.perf_counter()
        book()
        samples.append((clock.perf_counter() - began) * 1000)
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    others = cpu.cores()["others"] / (os.cpu_count() or 1)
    return InProcess(case, count, p50, p95, queries, work, sql, others)


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
    work: list[int] = []
    samples: list[float] = []
    sql: list[str] = []
    cpu = CpuUse(connection.settings_dict["NAME"])
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
            work.append(_work(captured))
            samples.append(elapsed)
            sql = sql or [query["sql"] for query in captured.captured_queries]
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    others = cpu.cores()["others"] / (os.cpu_count() or 1)
    case = "POST /api/v1/bookings, in-process"
    return InProcess(case, count, p50, p95, queries, work, sql, others)


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
    workload: str  # "spread", "one site", HELLO, or a race's name
    outcomes: list[Outcome]
    cpu: dict[str, float] = field(default_factory=dict)  # CpuUse.cores() over the run
    round_trip_us: float = float("nan")  # PostgreSQL's SELECT 1, median, just before the run
    server_ms: dict[str, float] = field(default_factory=dict)

    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 201]

    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != 201]

    def wall(self) -> float:
        return max(o.ended for o in self.outcomes) - min(o.began for o in self.outcomes)

    def rate(self) -> float:
        return len(self.ok()) / self.wall()

    def cpu_ms(self, name: str) -> float:
        """CPU ms that `name` (see CpuUse) spent per answered request over the run."""
        return self.cpu.get(name, 0.0) * self.wall() * 1000 / max(len(self.outcomes), 1)

    def server(self, outcomes: Sequence[Outcome]) -> list[float]:
        return [self.server_ms[o.request_id] for o in outcomes if o.request_id in self.server_ms]

    @property
    def others(self) -> float:
        """Other users' share of the machine's CPU over the run (0.5: one core of 2)."""
        return self.cpu.get("others", 0.0) / (os.cpu_count() or 1)


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


def race(port: int, world: World, calendar: Calendar, contest: Race, size: Size) -> Race:
    """`contest.clients` customers for one start, each with a connection already open, released
    together by a barrier; `size.race_rounds` times, a new start each time, each after
    `settle`."""
    from bookings.models import Booking

    for _ in range(size.race_rounds):
        start = calendar.take()
        plans = [[plan(next(world.customers), calendar, start)] for _ in range(contest.clients)]
        settle(size.quiet_s)
        contest.rounds.append(Run(max(size.workers), contest.name, run_clients(port, plans, 60)))
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
    runs: list[Run] = field(default_factory=list)  # the booking runs and the hello-world runs
    races: list[Race] = field(default_factory=list)
    overlaps: int = -1
    bookings: int = 0
    emails: int = -1
    server_errors: int = 0
    restarts: dict[str, int] = field(default_factory=dict)  # server -> workers recycled
    autovacuum: Counter[str] = field(default_factory=Counter)  # during the HTTP runs, per table
    machine: dict[str, str] = field(default_factory=dict)

    def runs_of(self, workers: int, workload: str) -> list[Run]:
        return [r for r in self.runs if r.workers == workers and r.workload == workload]

    def rate(self, workers: int, workload: str) -> float:
        return statistics.median(run.rate() for run in self.runs_of(workers, workload))

    def server_p50(self, workers: int, workload: str) -> float:
        runs = self.runs_of(workers, workload)
        return percentile([ms for run in runs for ms in run.server(run.ok())], 0.5)


def hello_env(env: dict[str, str]) -> dict[str, str]:
    """The hello-world server's environment: deploy/gunicorn.conf.py as it is, less worker
    recycling. max_requests (2000 +- 200) recycles a hello-world worker every second or so
    (about 40 ms without a worker each time, measured: 5-6 % of a run), a booking worker never
    within a run (bench reports the count): left on, it would lower the hello-world figure,
    and by how much would depend on where each run falls in the cycle."""
    return {**env, "GUNICORN_CMD_ARGS": f"{env.get('GUNICORN_CMD_ARGS', '')} --max-requests 0"}


def settle(quiet_s: float) -> float:
    """Before a run: the Celery worker done with the e-mails of the bookings so far (else it
    sends the last run's during this one: our own load, which wait_for_quiet does not see),
    then a quiet second on the machine (at most `quiet_s` of waiting). Returns the seconds
    waited for the e-mails."""
    from django.db import connection

    from bookings.models import Booking

    began = clock.monotonic()
    _wait_for_emails(Booking.objects.count(), timeout_s=60)
    drained = clock.monotonic() - began
    wait_for_quiet(connection.settings_dict["NAME"], timeout_s=quiet_s)
    return drained


def round_trip_us(count: int = 200) -> float:
    """The median time of `SELECT 1` from this process (a round trip to a PostgreSQL backend
    and back, two wake-ups of processes that may sit on different cores)."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(count):
            began = clock.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            samples.append((clock.perf_counter() - began) * 1e6)
    return percentile(samples, 0.5)


def _warm(port: int, plans: Sequence[Sequence[Planned]]) -> None:
    outcomes = run_clients(port, plans, 60)
    broken = [o for o in outcomes if o.status not in (200, 201)]
    if broken:
        raise RuntimeError(f"warm-up: {_counts(broken)}; first: {broken[0].message[:200]}")


def http_phases(
    world: World, results: Results, env: dict[str, str], logs: Path, worker_pid: int
) -> None:
    """The booking servers and the hello-world servers (1, 4... workers each) side by side, all
    warmed up; rounds of every (workers, workload) in a rotating order, each booking run right
    after a hello-world run of the same worker count (A B A B); then the races against the
    largest booking server. Every run after `settle`; the CPU of each party measured over it."""
    size, database = results.size, os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    counts = size.workers
    # The same bytes as a booking: one booking's request (its JWT, Idempotency-Key...) sent
    # over and over; bench/hello_wsgi.py answers 201 without reading it.
    hello = plan(next(world.customers), world.race, world.race.take())
    with ExitStack() as stack:
        servers: dict[tuple[int, str], Gunicorn] = {}
        for workers in counts:  # all started, then all waited for
            for app, name in (("config.wsgi", "booking"), ("bench.hello_wsgi", "hello")):
                server = Gunicorn(
                    workers=workers,
                    env=env if name == "booking" else hello_env(env),
                    log_path=logs / f"{name}-w{workers}.log",
                    app=app,
                )
                stack.callback(server.stop)
                servers[workers, app] = server
        for server in servers.values():
            server.wait_ready()
        print(f"{_elapsed()} {len(servers)} gunicorn servers ready", flush=True)
        for workers in counts:  # not timed: imports, connections, first-use caches
            plans = throughput_plans(world, "spread", 2 * workers, WARM_UP * workers)
            _warm(servers[workers, "config.wsgi"].port, plans)
            _warm(servers[workers, "bench.hello_wsgi"].port, [[hello] * 100] * (2 * workers))
        order = [
            (workers, load)
            for workers in counts
            for hello_run, booking in zip(HELLOS, WORKLOADS, strict=True)
            for load in (hello_run, booking)
        ]
        for round_ in range(size.rounds):
            shift = (round_ * 2 * len(WORKLOADS)) % len(order)
            for workers, workload in order[shift:] + order[:shift]:
                processes = 2 if workload == HELLO_WIDE else 1
                if workload in HELLOS:
                    server = servers[workers, "bench.hello_wsgi"]
                    plans = [[hello] * int(20_000 * size.hello_s)] * (2 * workers * processes)
                    limit = size.hello_s
                else:
                    server = servers[workers, "config.wsgi"]
                    plans = throughput_plans(world, workload, 2 * workers, size.per_run)
                    limit = 180
                drained = settle(size.quiet_s)
                rtt = round_trip_us()
                cpu = CpuUse(database, {"server": server.process.pid, "worker": worker_pid})
                outcomes = run_clients(server.port, plans, limit, processes=processes)
                run = Run(workers, workload, outcomes, round_trip_us=rtt)
                run.cpu = cpu.cores()
                results.runs.append(run)
                print(
                    f"{_elapsed()} round {round_ + 1}: -w {workers} "
                    f"{workload:<31}: {len(run.ok())} x 201, "
                    f"{run.rate():.1f}/s, refused {len(run.refused())}; "
                    f"cores: {_cores(run.cpu)}; before: e-mail backlog {drained:.1f} s, "
                    f"SELECT 1 {rtt:.0f} us",
                    flush=True,
                )
        hot = Race("hot slot, 1 resource", size.race_clients, 1)
        crowded = Race(
            f"crowded start, {CROWDED_RESOURCES} free resources",
            CROWDED_RESOURCES,
            CROWDED_RESOURCES,
        )
        for raced, calendar in ((hot, world.race), (crowded, world.crowded)):
            server = servers[max(counts), "config.wsgi"]
            results.races.append(race(server.port, world, calendar, raced, size))
    times: dict[str, float] = {}
    for workers in counts:
        for name in ("booking", "hello"):
            log = logs / f"{name}-w{workers}.log"
            times |= access_times(log)
            results.server_errors += errors_logged(log)
            booted = log.read_text(errors="replace").count("Booting worker with pid")
            results.restarts[f"{name} -w {workers}"] = booted - workers
    for run in results.runs + [run for raced in results.races for run in raced.rounds]:
        run.server_ms = times


def _cores(cpu: dict[str, float]) -> str:
    names = ("server", "postgres", "client", "worker", "others", "stolen")
    return " ".join(f"{name} {cpu.get(name, 0.0):.2f}" for name in names) + (
        f", waiting {cpu.get('waiting', 0.0):.0%}"
    )


def autovacuum_runs() -> Counter[str]:
    """Autovacuum and autoanalyze runs so far, per table of the benchmark's database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, autovacuum_count + autoanalyze_count FROM pg_stat_user_tables"
        )
        return Counter({name: int(n) for name, n in cursor.fetchall() if n})


def machine() -> dict[str, str]:
    from django.db import connection

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    dirty = git("status", "--porcelain", "--untracked-files=no").strip()
    governor = Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {
        "cores": str(os.cpu_count()),
        "cpu": model
        + (
            f", cpufreq governor {governor.read_text().strip()}"
            if governor.exists()
            else ", no cpufreq (fixed frequency as the guest sees it)"
        ),
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "python": platform.python_version(),
        "postgres": postgres,
        "cache": f"Redis db {os.environ['REDIS_URL'].rsplit('/', 1)[-1]}",
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


BEGAN = clock.monotonic()


def _elapsed() -> str:
    return f"{clock.monotonic() - BEGAN:4.0f} s"


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
            celery_worker(env, Path(logs) / "worker.log", concurrency=2) as worker,
        ):
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            from bookings.models import Booking

            call_command("migrate", verbosity=0)
            results.machine = machine()
            world = build_world(customers_needed(size))
            with connection.cursor() as cursor:  # planner statistics before the first booking
                cursor.execute("ANALYZE")
            print(f"{_elapsed()} set up: {results.machine}", flush=True)
            cases = (
                (world.one_site, "booking_create, pending"),
                (world.auto_site, "booking_create, auto-confirm"),
            )
            results.in_process = [
                *(service_case(world, c, name, size.service, size.quiet_s) for c, name in cases),
                api_case(world),
            ]
            print(f"{_elapsed()} in-process cases done", flush=True)
            vacuumed = autovacuum_runs()
            http_phases(world, results, env, Path(logs), worker.pid)
            clock.sleep(0.5)  # the statistics collector's flush (PostgreSQL 15: shared memory)
            results.autovacuum = autovacuum_runs() - vacuumed
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


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _scaling(results: Results, workload: str) -> float:
    workers = results.size.workers
    return results.rate(max(workers), workload) / results.rate(min(workers), workload)


def hello_rate(results: Results, workers: int) -> float:
    """The hello-world figure: the better of the two clients' medians (if the benchmark's own
    client limits it, the wider client's figure is the server's)."""
    return max(results.rate(workers, hello_run) for hello_run in HELLOS)


def _share(results: Results, workers: int, workload: str) -> float:
    """Bookings/s over hello-world requests/s, both medians of the same run."""
    return results.rate(workers, workload) / hello_rate(results, workers)


def _one_in(share: float) -> str:
    return f"1/{1 / share:.0f}" if share > 0 else "-"


def _cpu_ms(runs: Sequence[Run], *names: str) -> str:
    return " / ".join(f"{_median([run.cpu_ms(name) for run in runs]):.2f}" for name in names)


def _http_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for workers in results.size.workers:
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
                f"{percentile(server, 0.5):.1f}", f"{percentile(server, 0.95):.1f}",
                _cpu_ms(runs, "server", "postgres", "client", "worker"),
                f"{_median([run.round_trip_us for run in runs]):.0f}",
                f"{max(run.others for run in runs):.0%}",
                f"{max(run.cpu.get('waiting', 0.0) for run in runs):.0%}",
            ])  # fmt: skip
    return rows


def _hello_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for workers in results.size.workers:
        for hello_run in HELLOS:
            runs = results.runs_of(workers, hello_run)
            rates = sorted(run.rate() for run in runs)
            latency = [o.ms for run in runs for o in run.ok()]
            clients = f"{2 * workers}" if hello_run == HELLO else f"2 x {2 * workers}"
            rows.append([
                workers, clients, len(runs), f"{results.rate(workers, hello_run):.0f}",
                f"{rates[0]:.0f}-{rates[-1]:.0f}", f"{percentile(latency, 0.5):.2f}",
                _cpu_ms(runs, "server", "client"),
                f"{_median([run.cpu['server'] for run in runs]):.2f}",
                f"{_median([run.cpu['client'] for run in runs]):.2f}",
                f"{max(run.others for run in runs):.0%}",
                f"{max(run.cpu.get('waiting', 0.0) for run in runs):.0%}",
            ])  # fmt: skip
    return rows


def _ratio_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for workers in results.size.workers:
        for workload in WORKLOADS:
            share = _share(results, workers, workload)
            booking = _median([r.cpu_ms("server") for r in results.runs_of(workers, workload)])
            hello = _median([r.cpu_ms("server") for r in results.runs_of(workers, HELLO)])
            rows.append([
                workers, workload, f"{results.rate(workers, workload):.1f}",
                f"{hello_rate(results, workers):.0f}", f"{share:.4f} ({_one_in(share)})",
                f"{booking:.2f} / {hello:.3f} ({_one_in(hello / booking)})",
                f"{results.server_p50(workers, workload):.1f}",
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
    largest = max(results.size.workers)
    return {
        "in-process": (
            ["case", "bookings", "p50 ms", "p95 ms", "queries per booking", "others' CPU"],
            in_process,
        ),
        "HTTP bookings": (
            ["workers", "clients", "workload", "201", "refused", "bookings/s (median)",
             "bookings/s (range)", "p50 ms", "p95 ms", "server p50 ms", "server p95 ms",
             "CPU ms per booking: server / postgres / client / worker", "SELECT 1 us",
             "others' CPU (max)",
             "CPU waited (max)"],
            _http_rows(results),
        ),
        "HTTP hello-world (bench/hello_wsgi.py, same gunicorn, same client, same request)": (
            ["workers", "clients", "runs", "requests/s (median)", "requests/s (range)",
             "p50 ms", "CPU ms per request: server / client", "server cores", "client cores",
             "others' CPU (max)", "CPU waited (max)"],
            _hello_rows(results),
        ),
        "bookings vs hello-world, same run": (
            ["workers", "workload", "bookings/s", "hello/s", "bookings per hello",
             "server CPU ms per request: booking / hello", "booking server p50 ms"],
            _ratio_rows(results),
        ),
        f"races (gunicorn -w {largest})": (
            ["race", "clients", "rounds", "outcomes, all rounds", "active bookings per round",
             "refusal ms p50 / max (client)", "refusal ms p50 / max (server)"],
            races,
        ),
    }  # fmt: skip


def _client_check(results: Results, workers: int) -> tuple[str, bool]:
    """Is the hello-world figure the server's or the load generator's? The benchmark's client
    is one process: it is the limit when its interpreter lock is, i.e. it used about a core
    (CLIENT_CORES) and a wider client (2 processes, twice the clients) got more (CLIENT_BOUND).
    A wider client's better figure with the client's process idle is the machine's noise."""
    own, wide = (results.rate(workers, hello_run) for hello_run in HELLOS)
    cores = _median([run.cpu["client"] for run in results.runs_of(workers, HELLO)])
    measured = (
        f"{wide:.0f} vs {own:.0f}/s ({wide / own:.2f}x), the client's process {cores:.2f} cores"
    )
    return measured, not (wide >= CLIENT_BOUND * own and cores >= CLIENT_CORES)


def _targets(results: Results) -> list[list[object]]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**MISSED**"

    one, many = min(results.size.workers), max(results.size.workers)
    service = max(p.work_queries() for p in results.in_process[:2])
    api = results.in_process[2].work_queries()
    rows: list[list[object]] = [
        [
            f"<= {MAX_QUERIES} queries per booking through booking_create (pending and"
            " auto-confirm; BEGIN/SAVEPOINT/RELEASE/COMMIT not counted; pinned in"
            " tests/bookings/services/test_query_counts.py)",
            service,
            verdict(service <= MAX_QUERIES),
        ],
        ["queries per booking through the whole POST (for information; same count)", api, "-"],
    ]
    for workload in WORKLOADS:
        median = results.server_p50(one, workload)
        rows.append([f"-w {one}: server-side median <= {MAX_SERVER_MS:g} ms ({workload}, the"
                     " app's access lines)", f"{median:.1f} ms",
                     verdict(median <= MAX_SERVER_MS)])  # fmt: skip
    for workload in WORKLOADS:
        share = _share(results, one, workload)
        rows.append([f"-w {one}: bookings/s >= {_one_in(MIN_HELLO_SHARE)} of hello-world"
                     f" requests/s ({workload}, medians of the same run)",
                     f"{results.rate(one, workload):.1f} / {hello_rate(results, one):.0f} ="
                     f" {_one_in(share)}", verdict(share >= MIN_HELLO_SHARE)])  # fmt: skip
    for workers in (one, many):
        check, fine = _client_check(results, workers)
        rows.append([f"-w {workers} hello-world: the benchmark's client is not the limit (its"
                     f" process under {CLIENT_CORES:g} cores, or 2 client processes with twice the"
                     f" clients under {CLIENT_BOUND:g}x; the ratio takes the better)", check,
                     "met" if fine else "**CLIENT-BOUND**"])  # fmt: skip
    for workload in WORKLOADS:
        ratio = _scaling(results, workload)
        rows.append([f"{many} workers / {one} worker >= {MIN_SCALING:g}x ({workload}, medians)",
                     f"{ratio:.2f}x", verdict(ratio >= MIN_SCALING)])  # fmt: skip
    refused = sum(len(run.refused()) for run in results.runs if run.workload not in HELLOS)
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
    _client, server = results.races[0].loser_ms()
    lost = percentile(server, 0.5)
    rows.append([f"the lost race answered at the server in <= {MAX_LOST_MS:g} ms, median (hot"
                 f" slot, -w {many}, app's access lines)", f"{lost:.1f} ms",
                 verdict(lost <= MAX_LOST_MS)])  # fmt: skip
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


def _vacuumed(results: Results) -> str:
    return ", ".join(f"{table} x{n}" for table, n in results.autovacuum.items()) or "none"


def _restarts(results: Results) -> str:
    return ", ".join(f"{server}: {n}" for server, n in results.restarts.items())


def summary(results: Results) -> str:
    out = []
    for title, (header, rows) in _tables(results).items():
        out += ["", f"{title}:", *text_table(header, rows)]
    out += ["", f"workers recycled by max_requests: {_restarts(results)}"]
    out += [f"autovacuum/autoanalyze runs during the HTTP runs: {_vacuumed(results)}"]
    out += ["", "targets:"]
    out += [f"  {str(v).strip('*'):<12} {t}: {m}" for t, m, v in _targets(results)]
    out += [f"  refused in the HTTP runs: {line}" for line in _refusals(results)]
    return "\n".join(out)


def markdown(results: Results, *, quick: bool) -> str:
    m, tables, size = results.machine, _tables(results), results.size
    titles = list(tables)
    lines = [
        "## Booking creation (bench/booking.py)",
        "",
        f"Measured {results.started:%Y-%m-%d %H:%M} UTC{' (a --quick run)' if quick else ''} on "
        f"a machine with **{m.get('cores')} CPU cores** ({m.get('cpu')}), shared by PostgreSQL "
        f"{m.get('postgres')}, Redis, the gunicorn workers, the load generator, the Celery worker"
        ' and the SMTP sink, and with other users: "others\' CPU" is the share of the machine '
        'that processes not ours used meanwhile, "CPU waited" the share of the time in which '
        "some runnable task waited for a core (/proc/pressure/cpu). Load average at the start "
        f"{m.get('load')}. Python {m.get('python')}, cache {m.get('cache')}, git "
        f"{m.get('commit')}.",
        "",
        "Reproduce from the repository root: `.venv/bin/python bench/booking.py` (`--quick` for "
        "a smoke run). It creates, migrates and drops the database of DATABASE_URL (default "
        "bench_booking), uses the Redis of REDIS_URL and config.settings.production, and a "
        "Celery worker of its own sends each booking's e-mail by SMTP to a do-nothing local "
        "server after the commit. The workloads are described in the script's docstring.",
        "",
        "### Targets (issue 16)",
        "",
        *markdown_table(["target", "measured", "verdict"], _targets(results)),
        "",
        *[f"Refused in the HTTP runs: {line}." for line in _refusals(results)],
        "",
        *VARIANCE_NOTE,
        "",
        "### In-process",
        "",
        f"{size.service} bookings one after the other per case; the e-mail is handed to the "
        "worker after the commit (a publish to Redis, no query). Queries as "
        "CaptureQueriesContext counts them (BEGIN, SAVEPOINT and COMMIT included), over 20 "
        "bookings.",
        "",
        *markdown_table(*tables[titles[0]]),
        "",
        "### HTTP: POST /api/v1/bookings under gunicorn (deploy/gunicorn.conf.py, sync workers)",
        "",
        f"{size.rounds} round(s) of {size.per_run} non-conflicting bookings per line, 2 clients "
        "per worker, each request with its own customer, JWT and Idempotency-Key. Client "
        "latency includes waiting for a free worker; server times are the app's own access-log "
        "times. Sync workers close the connection after each response: each request opens a "
        "new one. CPU ms per booking: what the gunicorn server (all its workers), PostgreSQL's "
        "backends, the load generator and the Celery worker used over the run, per booking.",
        "",
        *markdown_table(*tables[titles[1]]),
        "",
        f"### {titles[2]}",
        "",
        f"Each booking run follows a hello-world run of the same worker count ({size.hello_s:g} "
        "s, A B A B): bench/hello_wsgi.py under the same gunicorn command and config (less "
        "worker recycling: `--max-requests 0`), the same 2 clients per worker sending the same "
        "bytes (one booking's request over and over), and a wider client (2 processes, twice the "
        "clients) as a check. "
        f"Workers recycled by max_requests over the whole run: {_restarts(results)}. "
        f"Autovacuum/autoanalyze runs during the HTTP runs: {_vacuumed(results)}.",
        "",
        *markdown_table(*tables[titles[2]]),
        "",
        f"### {titles[3]}",
        "",
        *markdown_table(*tables[titles[3]]),
        "",
        f"### Races over HTTP ({titles[4].split('(')[1].rstrip(')')}), clients released "
        "together by a barrier",
        "",
        *markdown_table(*tables[titles[4]]),
        "",
    ]
    for case in results.in_process:
        lines += [f"<details><summary>The queries of one {case.case}</summary>", ""]
        lines += [f"{i}. `{sql[:150]}`" for i, sql in enumerate(case.sql, 1)]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
