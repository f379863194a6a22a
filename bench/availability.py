"""Benchmark of the availability query (14 days, one site, 20 resources).

    .venv/bin/python bench/availability.py                      # SQLite, in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        BENCH_DATABASE_NAME=bench_scheduling .venv/bin/python bench/availability.py

It creates its own database (BENCH_DATABASE_NAME on PostgreSQL, default bench_scheduling; dropped
at the end), a site with 20 resources, and N active bookings spread over the opening hours of the
14-day window (N = 1,000, 5,000, 20,000), plus 100,000 bookings outside the window. It then times
`scheduling.public.available_starts` for the 14 days in-process and prints median and p95 time and
the SQL query count for each N, next to the floor: the bare SQL read of the same busy intervals.

Bookings are not used: the benchmark provides the busy-time port itself, from a table of its own
(bench_busy: resource_id, start_at, end_at, with a btree index on (start_at, resource_id)) read in
one SQL query, as the bookings app's implementation will. Two versions of that port are timed,
each next to its own floor (its SQL alone): "timestamptz" reads the timestamp columns as a plain
ORM read would; "epoch" reads them as epoch seconds and builds the datetimes in Python, which is
far cheaper per row. A blocked range is assumed to last at most one day, which bounds the index
scan from below (start_at >= window start - 1 day); without such a bound a btree range scan would
also walk every older booking.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # Its own database on the server (created, then dropped); SQLite runs in memory.
    os.environ["TEST_DATABASE_NAME"] = os.environ.get("BENCH_DATABASE_NAME", "bench_scheduling")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pricing.public import ServiceRequirements  # noqa: E402
from scheduling import public, services  # noqa: E402
from scheduling.domain.values import BusyInterval  # noqa: E402

RESOURCES = 20
DAYS = 14
OUTSIDE = 100_000
SIZES = (1_000, 5_000, 20_000)
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
MAX_BLOCK = timedelta(days=1)
PARIS = ZoneInfo("Europe/Paris")
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


def inside_bookings(count: int, resource_pks: list[int], rng: random.Random) -> list:
    """Bookings during opening hours of the window, 30 to 120 minutes plus a 10-minute buffer."""
    days = [
        NOW.astimezone(PARIS).date() + timedelta(days=i)
        for i in range(DAYS)
        if (NOW.astimezone(PARIS).date() + timedelta(days=i)).isoweekday() in WEEK
    ]
    rows = []
    for _ in range(count):
        day = rng.choice(days)
        opens, closes = rng.choice(WEEK[day.isoweekday()])
        minutes = rng.randrange(0, (closes.hour - opens.hour) * 60, 5)
        start = datetime.combine(day, opens, tzinfo=PARIS) + timedelta(minutes=minutes)
        length = timedelta(minutes=rng.choice((30, 45, 60, 90, 120)) + 10)
        rows.append((rng.choice(resource_pks), start, start + length, True))
    return rows


def outside_bookings(count: int, resource_pks: list[int], rng: random.Random) -> list:
    """Half in the year before the window, half in the months after it."""
    rows = []
    for i in range(count):
        if i % 2:
            start = WINDOW_START - timedelta(days=2, minutes=rng.randrange(0, 365 * 24 * 60, 5))
        else:
            start = WINDOW_END + timedelta(days=2, minutes=rng.randrange(0, 180 * 24 * 60, 5))
        rows.append((rng.choice(resource_pks), start, start + timedelta(minutes=70), False))
    return rows


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


def measure(site_pk: int, resource_pks: list[int], label: str) -> None:
    def query() -> int:
        starts = public.available_starts(
            site_pk=site_pk, requirements=SERVICE, start=WINDOW_START, end=WINDOW_END, now=NOW
        )
        return len(starts)

    for name, (port, epoch) in PORTS.items():
        public.busy_intervals.provide(port)
        with CaptureQueriesContext(connection) as queries:
            found = query()
        query_samples, floor_samples = timed_pair(
            query, lambda epoch=epoch: floor_read(resource_pks, epoch=epoch), RUNS
        )
        median, p95 = _stats(query_samples)
        floor_median, floor_p95 = _stats(floor_samples)
        rows = floor_read(resource_pks, epoch=epoch)
        print(
            f"{label:<27} {name:<11} {rows:>6} {found:>6} {len(queries):>7} {median:>7.1f} "
            f"{p95:>7.1f} {floor_median:>9.1f} {floor_p95:>9.1f} {median / floor_median:>6.1f}x",
            flush=True,
        )


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
        print(
            f"database: {connection.vendor}; {RESOURCES} resources; {DAYS}-day window; "
            f"{RUNS} timed runs each (ms); load average {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'case':<27} {'port':<11} {'busy':>6} {'starts':>6} {'queries':>7} {'median':>7} "
            f"{'p95':>7} {'floor med':>9} {'floor p95':>9} {'ratio':>7}"
        )
        inside = 0
        insert(inside_bookings(5_000, resource_pks, rng))
        inside = 5_000
        measure(site.pk, resource_pks, "N=5,000, nothing outside")
        insert(outside_bookings(OUTSIDE, resource_pks, rng))
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_busy WHERE inside")
        inside = 0
        for size in SIZES:
            insert(inside_bookings(size - inside, resource_pks, rng))
            inside = size
            measure(site.pk, resource_pks, f"N={size:,} + {OUTSIDE:,} outside")
    finally:
        public.busy_intervals.reset()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
