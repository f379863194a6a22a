"""Benchmark of availability (14 days, one site, 20 resources): the API's path first.

    .venv/bin/python bench/availability.py                      # SQLite, in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        BENCH_DATABASE_NAME=bench_scheduling .venv/bin/python bench/availability.py

It creates its own database (BENCH_DATABASE_NAME on PostgreSQL, default bench_scheduling; dropped
at the end), a site with 20 resources, a service with a category override and an option, and N
active bookings in the 14-day window (N = 1,000, 5,000, 20,000), plus 100,000 outside it. No two
bookings of one resource overlap (PostgreSQL's exclusion constraint forbids it), so they are
spread over the whole window, day and night. Two resources of the twenty take a fiftieth of the
others' share, so that every case has free starts to find and to output.

Two lines per case, each timed in-process alternately with its floor (so both see the same load):

- "api": the function GET /api/v1/availability calls with its validated parameters
  (scheduling.api.availability.availability_body: the service's requirements from the catalogue
  for a category with an option, the site's calendars, the busy time, the engine, the local
  datetimes of the output), rendered to JSON by DRF's renderer. The headline.
- "engine": scheduling.public.available_starts for the same window (the calendars, the busy-time
  port and the engine; no catalogue, no output).

The floor of a line is the SQL its queries ran (captured once with CaptureQueriesContext, the
parameters inlined by the database adapter), executed and fetched with a raw cursor, nothing
built.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # Its own database on the server (created, then dropped); SQLite runs in memory.
    os.environ["TEST_DATABASE_NAME"] = os.environ.get("BENCH_DATABASE_NAME", "bench_scheduling")

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking  # noqa: E402
from pricing.models import CategoryOverride, Option, Service  # noqa: E402
from pricing.public import ServiceRequirements  # noqa: E402
from scheduling import public, services  # noqa: E402
from scheduling.api.availability import availability_body  # noqa: E402
from vehicles.models import Vehicle  # noqa: E402

RESOURCES = 20
QUIET = 2  # the last resources, with a fiftieth of the others' share of bookings
DAYS = 14
OUTSIDE = 100_000
SIZES = (1_000, 5_000, 20_000)
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
NOW = datetime(2027, 1, 4, 5, 0, tzinfo=UTC)  # a Monday, before opening
WINDOW_START = NOW
WINDOW_END = NOW + timedelta(days=DAYS)
# The category "small" takes the override's 50 minutes, the option 10 more: 60 minutes of work.
SERVICE = ServiceRequirements("bench", "Bench service", 60, 10, None)
PARAMS = {
    "service": "bench",
    "options": ["wax"],
    "category": "small",
    "site": None,  # set once the site exists
    "from": WINDOW_START.isoformat(),
    "to": WINDOW_END.isoformat(),
    "include_resources": False,
}
WEEK = {
    **{day: [(time(8), time(12)), (time(13, 30), time(19))] for day in range(1, 6)},
    6: [(time(9), time(13))],
}


def spread(
    count: int,
    first: datetime,
    last: datetime,
    resource_pks: list[int],
    rng: random.Random,
    blocked_minutes: tuple[int, ...],
    inside: bool,
) -> list[tuple[int, datetime, datetime, bool]]:
    """`count` busy intervals in [first, last), none overlapping another of its resource: each
    resource's share cuts the span into equal segments, one interval (a random length from
    blocked_minutes, shortened to fit) at a random 5-minute offset in each."""
    rows = []
    quiet_from = len(resource_pks) - QUIET
    weights = [1.0 if index < quiet_from else 0.02 for index in range(len(resource_pks))]
    shares = [int(count * w / sum(weights)) for w in weights]
    shares[0] += count - sum(shares)
    for pk, share in zip(resource_pks, shares, strict=True):
        if not share:
            continue
        segment = (last - first) / share
        fits = int(segment.total_seconds() // 300) * 5  # whole 5-minute steps
        for j in range(share):
            length = min(rng.choice(blocked_minutes), fits)
            offset = rng.randrange(0, fits - length + 1, 5)
            start = first + segment * j + timedelta(minutes=offset)
            start = start.replace(second=0, microsecond=0)
            rows.append((pk, start, start + timedelta(minutes=length), inside))
    return rows


def inside_bookings(count: int, resource_pks: list[int], rng: random.Random) -> list:
    """In the window, day and night, 30 to 120 minutes plus a 10-minute buffer where they fit."""
    return spread(count, WINDOW_START, WINDOW_END, resource_pks, rng, (40, 55, 70, 100, 130), True)


def outside_bookings(count: int, resource_pks: list[int], rng: random.Random) -> list:
    """Half in the year before the window (up to 2 days before it), half in the 180 days after."""
    before = WINDOW_START - timedelta(days=2)
    after = WINDOW_END + timedelta(days=2)
    half = count // 2
    return [
        *spread(half, before - timedelta(days=365), before, resource_pks, rng, (70,), False),
        *spread(count - half, after, after + timedelta(days=180), resource_pks, rng, (70,), False),
    ]


class BookingRows:
    """The same busy intervals as bookings_booking rows in active states, for the real port."""

    def __init__(self, site_pk: int) -> None:
        self.site_pk = site_pk
        self.customer = User.objects.create(email="bench@example.com", first_name="Bench")
        # One vehicle per resource: a resource's rows never overlap, and a vehicle is in one place
        # at a time (the exclusion constraint of bookings/migrations/0006).
        self.vehicles: dict[int, Vehicle] = {}
        self.service = Service.objects.create(
            code="bench",
            name="Bench service",
            kind="wash",
            base_duration_minutes=45,
            buffer_after_minutes=SERVICE.buffer_after_minutes,
            base_price=Decimal("50.00"),
        )
        CategoryOverride.objects.create(
            service=self.service, category="small", price=Decimal("40.00"), duration_minutes=50
        )
        Option.objects.create(
            code="wax", name="Wax", price=Decimal("10.00"), extra_duration_minutes=10
        ).services.add(self.service)
        Option.objects.create(
            code="seats", name="Seats", price=Decimal("15.00"), extra_duration_minutes=20
        ).services.add(self.service)
        self.count = 0

    def insert(self, rows: list[tuple[int, datetime, datetime, bool]]) -> None:
        bookings = []
        for pk, start, blocked_until, inside in rows:
            self.count += 1
            vehicle = self._vehicle_for(pk)
            bookings.append(
                Booking(
                    # Unique, 10 characters (max_length 12); I/O tell inside rows from outside.
                    reference=f"B{'I' if inside else 'O'}{self.count:08d}",
                    customer=self.customer,
                    vehicle=vehicle,
                    vehicle_plate=vehicle.plate,
                    vehicle_category=vehicle.category,
                    service=self.service,
                    service_name=self.service.name,
                    site_id=self.site_pk,
                    resource_id=pk,
                    start=start,
                    end=min(start + timedelta(minutes=SERVICE.duration_minutes), blocked_until),
                    blocked_until=blocked_until,
                    state="confirmed" if self.count % 2 else "pending",
                    total=Decimal("50.00"),
                    currency="EUR",
                    price_snapshot={},
                    created_at=NOW - timedelta(days=30),
                    pending_since=NOW - timedelta(days=30),
                )
            )
        Booking.objects.bulk_create(bookings, batch_size=2_000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {Booking._meta.db_table}")

    def _vehicle_for(self, resource_pk: int) -> Vehicle:
        if resource_pk not in self.vehicles:
            self.vehicles[resource_pk] = Vehicle.objects.create(
                owner=self.customer,
                plate=f"BENCH{resource_pk}",
                make="Renault",
                model="Clio",
                year=2020,
                category="small",
                energy="petrol",
                is_default=not self.vehicles,
            )
        return self.vehicles[resource_pk]

    def delete_inside(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Booking._meta.db_table} WHERE reference LIKE %s", ["BI%"])


def _stats(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[round(0.95 * (len(samples) - 1))]


def timed_pair(first, second, runs: int) -> tuple[list[float], list[float]]:
    """Both functions, alternately, so that both see the same machine load."""
    for _ in range(3):
        first()
        second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for function, samples in ((first, a), (second, b)):
            began = clock.perf_counter()
            function()
            samples.append((clock.perf_counter() - began) * 1000)
    return a, b


def raw_floor(statements: list[str]) -> int:
    """A line's floor: the SQL it ran, executed and fetched with a raw cursor."""
    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return rows


def measure(site_pk: int, label: str) -> None:
    renderer = JSONRenderer()
    anonymous = AnonymousUser()

    def api() -> int:
        body = availability_body(PARAMS, anonymous, now=NOW)
        renderer.render(body)
        return len(body["starts"])

    def engine() -> int:
        starts = public.available_starts(
            site_pk=site_pk, requirements=SERVICE, start=WINDOW_START, end=WINDOW_END, now=NOW
        )
        return len(starts)

    found = {}
    busy: list[str] = []
    for name, function in (("api", api), ("engine", engine)):
        with CaptureQueriesContext(connection) as queries:
            found[name] = function()
        statements = [q["sql"] for q in queries]
        busy = [q for q in statements if Booking._meta.db_table in q]
        assert len(busy) == 1, busy
        with connection.cursor() as cursor:
            cursor.execute(busy[0])
            busy_rows = len(cursor.fetchall())
        samples, floor_samples = timed_pair(
            function, lambda statements=statements: raw_floor(statements), RUNS
        )
        median, p95 = _stats(samples)
        floor_median, floor_p95 = _stats(floor_samples)
        print(
            f"{label:<27} {name:<7} {busy_rows:>6} {found[name]:>6} {len(queries):>7} "
            f"{median:>7.1f} {p95:>7.1f} {floor_median:>9.1f} {floor_p95:>9.1f} "
            f"{median / floor_median:>6.1f}x",
            flush=True,
        )
    assert found["api"] == found["engine"], found
    if PROFILE:
        profile(api)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {busy[0]}")
                for (line,) in cursor.fetchall():
                    print(f"    | {line}")


def profile(function) -> None:
    """BENCH_PROFILE=1: where the time of the API line goes (cProfile over 10 calls, own time of
    the top functions, as a share of the whole)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        function()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, own, _cum, _callers) in rows[:12]:
        where = f"{Path(filename).name}:{line}" if line else filename
        print(f"    {own / total:>5.1%} {own * 100:>7.1f} ms/call {calls // 10:>7} {name} {where}")


def main() -> None:
    rng = random.Random(20270104)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        site = services.site_create(name="Bench", timezone="Europe/Paris", hours=WEEK, actor=None)
        PARAMS["site"] = site.public_id
        resource_pks = [
            services.resource_create(site=site, name=f"Bay {i:02d}", actor=None).pk
            for i in range(RESOURCES)
        ]
        bookings = BookingRows(site.pk)
        print(
            f"database: {connection.vendor}; {RESOURCES} resources; {DAYS}-day window; "
            f"{RUNS} timed runs each (ms); load average {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'case':<27} {'line':<7} {'busy':>6} {'starts':>6} {'queries':>7} {'median':>7} "
            f"{'p95':>7} {'floor med':>9} {'floor p95':>9} {'ratio':>7}"
        )
        bookings.insert(inside_bookings(5_000, resource_pks, rng))
        measure(site.pk, "N=5,000, nothing outside")
        bookings.insert(outside_bookings(OUTSIDE, resource_pks, rng))
        for size in SIZES:
            # A fresh layout for each N: bookings added to an existing one would overlap it.
            bookings.delete_inside()
            bookings.insert(inside_bookings(size, resource_pks, rng))
            measure(site.pk, f"N={size:,} + {OUTSIDE:,} outside")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
