"""POST /api/v1/bookings latency through gunicorn when the mail server takes 2 s per message:
before (the e-mail sent in the request's process right after the commit, as it was before the
worker: eager tasks) and after (the e-mail handed to a Celery worker through Redis), and after
again with a mail server that answers at once. The target: after, the median latency with the
2 s mail server is within 10 % of the one with the instant mail server.

    .venv/bin/python bench/email_latency.py           # 3 rounds of 3 runs, ~4 minutes
    .venv/bin/python bench/email_latency.py --quick   # 1 round

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_email; created,
migrated and dropped; never a test* database), REDIS_URL (default redis://127.0.0.1:6379/6, the
cache, keys under bench_email), CELERY_BROKER_URL (default: REDIS_URL's server, next database;
the run's own queue, deleted at the end), BENCH_NOTES (default /work/notes/bench_email.md).
Settings: bench/email_settings.py (production's). gunicorn: 2 sync workers; worker: 4
processes; 2 clients, each booking one after the other, every booking its own customer and
start. The three runs of a round go in a rotating order, each on a quiet machine."""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
    ROOT,
    Outcome,
    SmtpSink,
    celery_worker,
    gunicorn_running,
    markdown_table,
    percentile,
    run_clients,
    scratch_database,
    text_table,
    wait_for_quiet,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_email"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
CACHE_PREFIX = "bench_email"
SLOW_SMTP_SECONDS = 2.0
CLIENTS = 2
GUNICORN_WORKERS = 2
CELERY_CONCURRENCY = 4


@dataclass(frozen=True)
class Case:
    name: str
    inline: bool
    smtp_delay: float


CASES = (
    Case("before: e-mail in the request, 2 s mail server", True, SLOW_SMTP_SECONDS),
    Case("after: e-mail by the worker, 2 s mail server", False, SLOW_SMTP_SECONDS),
    Case("after: e-mail by the worker, instant mail server", False, 0.0),
)


@dataclass
class Measured:
    case: Case
    latencies_ms: list[float] = field(default_factory=list)
    refused: int = 0
    emails: int = 0
    bookings: int = 0
    email_wait_s: list[float] = field(default_factory=list)


def configure_environment() -> dict[str, str]:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    if not os.environ.get("CELERY_BROKER_URL"):
        parts = urlsplit(os.environ["REDIS_URL"])
        db = int(parts.path.lstrip("/") or 0)
        os.environ["CELERY_BROKER_URL"] = urlunsplit(parts._replace(path=f"/{(db + 1) % 16}"))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.email_settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        CACHE_KEY_PREFIX=CACHE_PREFIX,
        CELERY_TASK_DEFAULT_QUEUE=f"bench-email-{secrets.token_hex(4)}",
        EMAIL_HOST="127.0.0.1",
        EMAIL_USE_TLS="false",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        LOG_LEVEL="WARNING",
    )
    return dict(os.environ)


def emails_sent() -> int:
    from core.models import EmailNotification

    return EmailNotification.objects.filter(status="sent").count()


def one_run(case: Case, world: object, env: dict[str, str], logs: Path, per_run: int) -> Measured:
    from booking import plan

    from core.models import EmailNotification

    measured = Measured(case)
    sink = SmtpSink(delay=case.smtp_delay)
    run_env = {**env, "EMAIL_PORT": str(sink.port), "BENCH_INLINE": str(case.inline).lower()}
    before = EmailNotification.objects.count()
    sent_before = emails_sent()
    try:
        with ExitStack() as stack:
            if not case.inline:
                stack.enter_context(
                    celery_worker(run_env, logs / "worker.log", concurrency=CELERY_CONCURRENCY)
                )
            server = stack.enter_context(
                gunicorn_running(
                    workers=GUNICORN_WORKERS, env=run_env, log_path=logs / "gunicorn.log"
                )
            )
            warm = [[plan(next(world.customers), world.spread[i])] for i in range(CLIENTS)]  # type: ignore[attr-defined]
            run_clients(server.port, warm, 60)  # not timed: imports, connections
            plans = [
                [plan(next(world.customers), world.spread[i]) for _ in range(per_run // CLIENTS)]  # type: ignore[attr-defined]
                for i in range(CLIENTS)
            ]
            wait_for_quiet(os.environ["DATABASE_URL"].rsplit("/", 1)[1])
            outcomes: list[Outcome] = run_clients(server.port, plans, 600)
            finished = time.monotonic()
            measured.latencies_ms = [o.ms for o in outcomes if o.status == 201]
            measured.refused = sum(1 for o in outcomes if o.status != 201)
            measured.bookings = len(measured.latencies_ms) + len(warm)
            # Every e-mail of the run reaches the mail server (the worker's queue drains).
            deadline = finished + 120
            while emails_sent() - sent_before < measured.bookings and time.monotonic() < deadline:
                time.sleep(0.2)
            measured.email_wait_s.append(time.monotonic() - finished)
    finally:
        measured.emails = sink.stop()
    assert EmailNotification.objects.count() - before == measured.bookings
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--per-run", type=int, default=20)
    args = parser.parse_args()
    rounds = 1 if args.quick else 3
    env = configure_environment()
    started = datetime.now(UTC)
    results = {case.name: Measured(case) for case in CASES}
    with (
        scratch_database(os.environ["DATABASE_URL"]),
        tempfile.TemporaryDirectory(prefix="bench_email_") as logs_dir,
    ):
        import django

        django.setup()
        from booking import build_world
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
        world = build_world(rounds * len(CASES) * (args.per_run + CLIENTS) + 10)
        logs = Path(logs_dir)
        for round_ in range(rounds):
            order = CASES[round_ % len(CASES) :] + CASES[: round_ % len(CASES)]
            for case in order:
                run = one_run(case, world, env, logs, args.per_run)
                total = results[case.name]
                total.latencies_ms += run.latencies_ms
                total.refused += run.refused
                total.emails += run.emails
                total.bookings += run.bookings
                total.email_wait_s += run.email_wait_s
                print(
                    f"round {round_ + 1}: {case.name}:"
                    f" p50 {percentile(run.latencies_ms, 0.5):.0f} ms,"
                    f" {run.bookings} bookings, {run.emails} e-mails at the sink,"
                    f" last e-mail {run.email_wait_s[-1]:.1f} s after the last booking",
                    flush=True,
                )
                connection.close()
        connection.close()
    _report(results, started, postgres, quick=args.quick)


def _report(results: dict[str, Measured], started: datetime, postgres: str, *, quick: bool) -> None:
    header = [
        "case",
        "bookings",
        "p50 ms",
        "p95 ms",
        "max ms",
        "refused",
        "e-mails at the sink",
        "last e-mail after the last booking (s, max)",
    ]
    rows = []
    for name, m in results.items():
        rows.append(
            [
                name,
                len(m.latencies_ms),
                f"{percentile(m.latencies_ms, 0.5):.0f}",
                f"{percentile(m.latencies_ms, 0.95):.0f}",
                f"{max(m.latencies_ms):.0f}",
                m.refused,
                f"{m.emails} / {m.bookings}",
                f"{max(m.email_wait_s):.1f}",
            ]
        )
    slow = statistics.median(results[CASES[1].name].latencies_ms)
    instant = statistics.median(results[CASES[2].name].latencies_ms)
    before = statistics.median(results[CASES[0].name].latencies_ms)
    ratio = slow / instant
    verdict = "met" if ratio <= 1.10 else "**MISSED**"
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    machine = (
        f"Measured {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, PostgreSQL {postgres}, git {git}"
        + (" (quick)" if quick else "")
        + "."
    )
    target = (
        f"After, 2 s mail server vs instant: median {slow:.0f} ms vs {instant:.0f} ms ="
        f" {ratio:.2f}x (target <= 1.10x): {verdict}. Before: median {before:.0f} ms"
        f" ({before / instant:.1f}x)."
    )
    lines = [machine, "", *markdown_table(header, rows), "", target]
    print("\n".join(text_table(header, rows)))
    print(lines[-1])
    notes = Path(os.environ.get("BENCH_NOTES", "/work/notes/bench_email.md"))
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.write_text("\n".join(lines) + "\n")
    print(f"figures written to {notes}")


if __name__ == "__main__":
    main()
