"""Benchmark of the availability query (14 days, one site, 20 resources).

    .venv/bin/python bench/availability.py                      # SQLite, in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        BENCH_DATABASE_NAME=bench_scheduling .venv/bin/python bench/availability.py

It creates its own database (BENCH_DATABASE_NAME on PostgreSQL, default bench_scheduling; dropped
at the end), a site with 20 resources, and N busy intervals in the 14-day window (N = 1,000, 5,000,
20,000), plus 100,000 outside it. No two intervals of one resource overlap (PostgreSQL's exclusion
constraint forbids it for active bookings), so they are spread over the whole window, day and
night: 20,000 bookings of 40 minutes or more do not fit in 20 resources' opening hours. It then
times `scheduling.public.available_starts` for the 14 days in-process and prints median and p95
time and the SQL query count for each N and each busy-time port, next to that port's floor: its
SQL alone, executed and fetched, nothing built.

Three ports are timed over the same intervals:

- "bookings": the real one, bookings.selectors.busy_intervals as bookings' AppConfig.ready()
  registers it, over real bookings_booking rows (pending or confirmed, one customer and service,
  one vehicle per resource; blocked_until = the end of the busy interval). Its floor is the SQL
  it runs, captured once with CaptureQueriesContext and run again with a raw cursor.
- "timestamptz" and "epoch": the bench's own ports, written before the bookings app existed, over
  a table of its own (bench_busy: resource_id, start_at, end_at, with a btree index on (start_at,
  resource_id)) read in one SQL query. "timestamptz" reads the timestamp columns as a plain ORM
  read would; "epoch" reads them as epoch seconds and builds the datetimes in Python, which is far
  cheaper per row. A blocked range is assumed to last at most one day, which bounds the index scan
  from below (start_at >= window start - 1 day); without such a bound a btree range scan would
  also walk every older booking.
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

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking  # noqa: E402
from pricing.models import Service  # noqa: E402
from pricing.public import ServiceRequirements  # noqa: E402
from scheduling import public, services  # noqa: E402
from scheduling.domain.values import BusyInterval  # noqa: E402
from vehicles.models import Vehicle  # noqa: E402

# The real busy-time port, as bookings' AppConfig.ready() registered it (the bench swaps its own
# ports in and out, then puts this one back).
REGISTERED_PORT = public.busy_intervals._impl
assert REGISTERED_PORT.__module__ == "bookings.selectors", REGISTERED_PORT

RESOURCES = 20
DAYS = 14
OUTSIDE = 100_000
SIZES = (1_000, 5_000, 20_000)
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
MAX_BLOCK = timedelta(days=1)
NOW = datetime(2027, 1, 4, 5, 0, tzinfo=UTC)  # a Monday, before opening
WINDOW_START = NOW
WINDOW_END = NOW + timedelta(days=DAYS)
SERVICE = ServiceRequirements("bench", "Bench service", 60, 10, None)
WEEK = {
    **{day: [(time(8), time(12)), (time(13, 30), time(19))] for day in range(1, 6)},
    6: [(time(9), time(13))],
}


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def busy_sql(count: int, *, epoch: bool) -> str:
    if not epoch:
        columns = "start_at, end_at"
    elif connection.vendor == "postgresql":
        columns = "EXTRACT(EPOCH FROM start_at)::float8, EXTRACT(EPOCH FROM end_at)::float8"
    else:
        columns = "CAST(strftime('%%s', start_at) AS REAL), CAST(strftime('%%s', end_at) AS REAL)"
    return (
        f"SELECT resource_id, {columns} FROM bench_busy "
        f"WHERE resource_id IN ({_placeholders(count)}) "
        "AND start_at < %s AND start_at >= %s AND end_at > %s"
    )


def _aware(value: datetime | str) -> datetime:
    # PostgreSQL gives aware datetimes; SQLite's "timestamp" converter gives naive UTC ones.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _read(resource_pks: list[int], start: datetime, end: datetime, *, epoch: bool) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            busy_sql(len(resource_pks), epoch=epoch),
            [*resource_pks, end, start - MAX_BLOCK, start],
        )
        return cursor.fetchall()


def port_timestamptz(resource_pks: list[int], start: datetime, end: datetime) -> list[BusyInterval]:
    """The busy-time port as a plain ORM read would be: one query of timestamptz columns, each
    value parsed by psycopg's (Python-level) timestamptz loader."""
    rows = _read(resource_pks, start, end, epoch=False)
    if connection.vendor == "postgresql":
        return list(map(BusyInterval._make, rows))
    return [BusyInterval(pk, _aware(a), _aware(b)) for pk, a, b in rows]


def port_epoch(resource_pks: list[int], start: datetime, end: datetime) -> list[BusyInterval]:
    """The same query returning epoch seconds (float8), datetimes built in Python: about ten
    times cheaper per row than parsing timestamptz text."""
    stamp = datetime.fromtimestamp
    return [
        BusyInterval(pk, stamp(a, UTC), stamp(b, UTC))
        for pk, a, b in _read(resource_pks, start, end, epoch=True)
    ]


PORTS = {"timestamptz": (port_timestamptz, False), "epoch": (port_epoch, True)}


def floor_read(resource_pks: list[int], *, epoch: bool) -> int:
    """The floor: the port's SQL for the same window, rows fetched, nothing built."""
    blocked_until = WINDOW_END + timedelta(minutes=SERVICE.duration_minutes + 10)
    return len(_read(resource_pks, WINDOW_START, blocked_until, epoch=epoch))


def create_table() -> None:
    stamp = "timestamp with time zone" if connection.vendor == "postgresql" else "timestamp"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_busy (id integer PRIMARY KEY, resource_id integer NOT NULL, "
            f"start_at {stamp} NOT NULL, end_at {stamp} NOT NULL, inside boolean NOT NULL)"
        )
        cursor.execute("CREATE INDEX bench_busy_start ON bench_busy (start_at, resource_id)")


def _db_value(moment: datetime) -> datetime | str:
    if connection.vendor == "postgresql":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


NEXT_ID = [0]


def insert(rows: list[tuple[int, datetime, datetime, bool]]) -> None:
    values = []
    for pk, start, end, inside in rows:
        NEXT_ID[0] += 1
        values.append((NEXT_ID[0], pk, _db_value(start), _db_value(end), inside))
    with connection.cursor() as cursor:
        for offset in range(0, len(values), 10_000):
            cursor.executemany(
                "INSERT INTO bench_busy (id, resource_id, start_at, end_at, inside) "
                "VALUES (%s, %s, %s, %s, %s)",
                values[offset : offset + 10_000],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE bench_busy")


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
    for index, pk in enumerate(resource_pks):
        share = count // len(resource_pks) + (index < count % len(resource_pks))
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
            base_duration_minutes=SERVICE.duration_minutes,
            base_price=Decimal("50.00"),
        )
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
                cursor.execute(f"ANALYZE {Booking._meta.db_table}")

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


def raw_floor(sql: str) -> int:
    """The real port's floor: the SQL it ran, executed and fetched with a raw cursor."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return len(cursor.fetchall())


def measure(site_pk: int, resource_pks: list[int], label: str) -> None:
    def query() -> int:
        starts = public.available_starts(
            site_pk=site_pk, requirements=SERVICE, start=WINDOW_START, end=WINDOW_END, now=NOW
        )
        return len(starts)

    variants = [
        (name, port, lambda epoch=epoch: floor_read(resource_pks, epoch=epoch))
        for name, (port, epoch) in PORTS.items()
    ]
    variants.append(("bookings", REGISTERED_PORT, None))
    for name, port, floor in variants:
        public.busy_intervals.provide(port)
        with CaptureQueriesContext(connection) as queries:
            found = query()
        if floor is None:
            # The SQL the real port ran (parameters inlined by the database adapter).
            port_sql = [q["sql"] for q in queries if Booking._meta.db_table in q["sql"]]
            assert len(port_sql) == 1, port_sql
            floor = lambda sql=port_sql[0]: raw_floor(sql)  # noqa: E731
        query_samples, floor_samples = timed_pair(query, floor, RUNS)
        median, p95 = _stats(query_samples)
        floor_median, floor_p95 = _stats(floor_samples)
        rows = floor()
        print(
            f"{label:<27} {name:<11} {rows:>6} {found:>6} {len(queries):>7} {median:>7.1f} "
            f"{p95:>7.1f} {floor_median:>9.1f} {floor_p95:>9.1f} {median / floor_median:>6.1f}x",
            flush=True,
        )
    public.busy_intervals.provide(REGISTERED_PORT)


def main() -> None:
    rng = random.Random(20270104)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        site = services.site_create(name="Bench", timezone="Europe/Paris", hours=WEEK, actor=None)
        resource_pks = [
            services.resource_create(site=site, name=f"Bay {i:02d}", actor=None).pk
            for i in range(RESOURCES)
        ]
        create_table()
        bookings = BookingRows(site.pk)

        def add(rows: list[tuple[int, datetime, datetime, bool]]) -> None:
            insert(rows)
            bookings.insert(rows)

        print(
            f"database: {connection.vendor}; {RESOURCES} resources; {DAYS}-day window; "
            f"{RUNS} timed runs each (ms); load average {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'case':<27} {'port':<11} {'busy':>6} {'starts':>6} {'queries':>7} {'median':>7} "
            f"{'p95':>7} {'floor med':>9} {'floor p95':>9} {'ratio':>7}"
        )
        add(inside_bookings(5_000, resource_pks, rng))
        measure(site.pk, resource_pks, "N=5,000, nothing outside")
        add(outside_bookings(OUTSIDE, resource_pks, rng))
        for size in SIZES:
            # A fresh layout for each N: intervals added to an existing one would overlap it.
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM bench_busy WHERE inside")
            bookings.delete_inside()
            add(inside_bookings(size, resource_pks, rng))
            measure(site.pk, resource_pks, f"N={size:,} + {OUTSIDE:,} outside")
    finally:
        public.busy_intervals.provide(REGISTERED_PORT)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
