"""Where the time of one booking goes: POST /api/v1/bookings under gunicorn, profiled.

    .venv/bin/python bench/booking_profile.py            # 200 profiled bookings
    BENCH_BOOKINGS=100 .venv/bin/python bench/booking_profile.py

The set-up of bench/booking.py (production settings, PostgreSQL, Redis, its Celery worker and
do-nothing SMTP server; its own database bench_booking_profile, created and dropped), then one
gunicorn sync worker serving bench.profiled_wsgi (the project's WSGI app with each profiled POST
under cProfile), one client sending non-conflicting bookings one after the other ("spread": each
at a start nobody else asks for). 20 warm-up bookings are not profiled.

Printed: the profiled requests' own time split by where the code lives (the database driver and
its waits on PostgreSQL, Redis, the ORM, the rest of Django, DRF and JWT, each project app, the
rest), then the cumulative time of the request's main steps, each as a share of the whole
request and in ms per booking. cProfile's own overhead inflates Python-heavy parts (the ORM, our
code) against waiting on the database: read the shares as an upper bound for Python work, and
the server-side median of the same worker without the profiler (from the app's access lines,
printed too) as the real cost.
"""

from __future__ import annotations

import os
import pstats
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import booking as bench
from _common import (
    ROOT,
    SmtpSink,
    access_times,
    celery_worker,
    gunicorn_running,
    run_clients,
    scratch_database,
)

COUNT = int(os.environ.get("BENCH_BOOKINGS", "200"))
WARM_UP = 20
APPS = ("accounts", "bookings", "config", "core", "pricing", "scheduling", "vehicles")

# The request's steps, by (file ending, function name): their cumulative time.
STEPS: list[tuple[str, str, str]] = [
    ("authentication (JWT, the user read)", "rest_framework/request.py", "_authenticate"),
    ("idempotency claim", "core/idempotency.py", "idempotency_claim"),
    ("idempotency completion", "core/idempotency.py", "idempotency_complete"),
    ("bookings.services.booking_create", "bookings/services/create.py", "booking_create"),
    ("request validation (serializer)", "rest_framework/serializers.py", "is_valid"),
    ("response (serializer .data)", "rest_framework/serializers.py", "data"),
    ("outbox handover after commit", "core/outbox.py", "_hand"),
    ("access line and logging", "logging/__init__.py", "handle"),
]


def where(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "psycopg" in path:
        return "psycopg (the driver, and its waits on PostgreSQL)"
    if "/redis/" in path or "/kombu/" in path or "/celery/" in path:
        return "Redis, kombu, Celery (cache, outbox publish)"
    if "/django/db/" in path:
        return "Django ORM (building SQL, reading rows)"
    if "/django/" in path:
        return "Django (request, middleware, settings, translation)"
    if "/rest_framework" in path or "/jwt/" in path or "/drf_" in path:
        return "DRF, simplejwt, PyJWT"
    root = str(ROOT)
    if path.startswith(root):
        top = path[len(root) :].lstrip("/").split("/")[0]
        if top in APPS:
            return f"project: {top}"
    if path.startswith("~") or path.startswith("<"):
        return "builtins (C functions: JSON, hashing, sockets not in psycopg, ...)"
    return "other Python (stdlib, other packages)"


def report(directory: Path, profiled: int) -> None:
    files = sorted(directory.glob("*.prof"))
    stats = pstats.Stats(*map(str, files))
    table = stats.stats  # type: ignore[attr-defined]
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in table.items():
        own[where(filename)] += tt
    total = sum(own.values())
    print(f"\nprofiled bookings: {profiled}; own time {total * 1000 / profiled:.1f} ms per booking")
    print("own time by where the code lives:")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:>6.1%}  {seconds * 1000 / profiled:>6.2f} ms  {name}")
    print("cumulative time of the request's steps:")
    for label, suffix, function in STEPS:
        seconds = 0.0
        for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in table.items():
            if filename.replace("\\", "/").endswith(suffix) and name == function:
                seconds = max(seconds, ct)
        share = seconds / total
        print(f"  {share:>6.1%}  {seconds * 1000 / profiled:>6.2f} ms  {label}")
    print("top 15 functions by own time:")
    rows = sorted(table.items(), key=lambda item: -item[1][2])[:15]
    for (filename, line, name), (_cc, nc, tt, _ct, _callers) in rows:
        short = "/".join(filename.split("/")[-2:])
        print(f"  {tt / total:>6.1%}  {nc // profiled:>4}/booking  {name} ({short}:{line})")


def main() -> None:
    os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_booking_profile"
    )
    env = bench.configure_environment()
    sink = SmtpSink()
    env["EMAIL_PORT"] = os.environ["EMAIL_PORT"] = str(sink.port)
    try:
        with (
            scratch_database(os.environ["DATABASE_URL"]),
            tempfile.TemporaryDirectory(prefix="bench_profile_") as scratch,
            celery_worker(env, Path(scratch) / "worker.log", concurrency=2),
        ):
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            world = bench.build_world(2 * (COUNT + WARM_UP) + 10)
            connection.close()
            logs = Path(scratch)
            profiles = logs / "profiles"
            profiles.mkdir()
            calendar = world.spread[0]
            # Without the profiler first: the server-side median of the same worker.
            plain = [bench.plan(next(world.customers), calendar) for _ in range(COUNT + WARM_UP)]
            with gunicorn_running(workers=1, env=env, log_path=logs / "plain.log") as server:
                outcomes = run_clients(server.port, [plain], limit_s=600)
            times = access_times(logs / "plain.log")
            served = sorted(
                times[o.request_id] for o in outcomes[WARM_UP:] if o.request_id in times
            )
            created = sum(o.status == 201 for o in outcomes)
            print(
                f"without the profiler: {created}/{len(outcomes)} created; server-side median "
                f"{served[len(served) // 2]:.1f} ms over {len(served)} bookings"
            )
            warm = [bench.plan(next(world.customers), calendar) for _ in range(WARM_UP)]
            profiled = [
                replace(p, headers={**p.headers, "X-Bench-Profile": "1"})
                for p in (bench.plan(next(world.customers), calendar) for _ in range(COUNT))
            ]
            with gunicorn_running(
                workers=1,
                env={**env, "BENCH_PROFILE_DIR": str(profiles)},
                log_path=logs / "profiled.log",
                app="bench.profiled_wsgi",
            ) as server:
                outcomes = run_clients(server.port, [[*warm, *profiled]], limit_s=600)
            created = sum(o.status == 201 for o in outcomes)
            print(f"with the profiler: {created}/{len(outcomes)} created")
            report(profiles, COUNT)
            connection.close()
    finally:
        sink.stop()
        bench.forget_cache_keys()


if __name__ == "__main__":
    main()
