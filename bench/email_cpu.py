"""CPU per booking e-mail on the worker's path (issue 16): dispatching the event (the consumers:
reading the booking, rendering the e-mail, recording it) and sending it (claiming the row,
building the message, SMTP), in this process without Celery, and optionally in a real worker.

    .venv/bin/python bench/email_cpu.py            # in-process, ~40 s
    .venv/bin/python bench/email_cpu.py --split    # and each step's share
    .venv/bin/python bench/email_cpu.py --profile  # and cProfile's listing (CPU time)
    .venv/bin/python bench/email_cpu.py --worker   # and a Celery worker's CPU per e-mail

Production settings (cached template loader, JSON logs), its own PostgreSQL database
(bench_email_cpu, created and dropped), Redis as REDIS_URL says (default db 9; keys under
bench_email_cpu, deleted at the end; --worker: its own queue on the next database). Two e-mails:
"created" (a pending booking's booking.created, no calendar file: the e-mail of bench/booking.py's
bookings) and "confirmed" (an auto-confirmed booking's booking.confirmed, with its .ics). Two
mail backends in-process: locmem (nothing sent) and SMTP to a do-nothing server
(bench/_common.SmtpSink, no TLS). Printed: CPU ms per e-mail (process time; the median of 5
batches), dispatch and send apart, and the statements each e-mail costs. --worker: the CPU of a
Celery worker's process tree (prefork, one child, as bench/booking.py starts it but with one
child) per e-mail, over bookings made here and handed to it through the broker, the booking's
other events included (an auto-confirmed booking's booking.created sends nothing but is
dispatched too). On a shared machine the figures move by some 20 %: compare like with like."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_email_cpu")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("BENCH_CACHE_PREFIX", "bench_email_cpu")

import booking as bench
from _common import SmtpSink, _descendants, _processes, celery_worker, scratch_database

BATCHES = 5
WARM_UP = 5
KINDS = ("created", "confirmed")
BACKENDS = {
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}


# The steps --split times, (module, attribute, label): each wrapped where it is looked up, its
# time inclusive of the steps below it. A step the code no longer has is left out.
def _steps() -> list[tuple[Any, str, str]]:
    from django.core.mail.message import EmailMessage

    from bookings import consumers, notifications, selectors
    from core import dispatch, emails
    from core.webhooks import delivery

    return [
        (dispatch, "dispatch_event", "dispatch_event"),
        (selectors, "booking_pk_of", "  booking_pk_of"),
        (selectors, "booking_notice", "  booking_notice"),
        (consumers, "build_email", "  build_email"),
        (notifications, "render_to_string", "    render_to_string (3)"),
        (notifications, "calendar_event", "    calendar_event"),
        (delivery, "prepare", "  webhooks: endpoints"),
        (emails, "email_attempt", "email_attempt"),
        (emails, "_claim", "  _claim"),
        (emails, "message_of", "  message_of"),
        (EmailMessage, "send", "  message.send (the backend)"),
    ]


def book(world: bench.World, kind: str, count: int) -> None:
    from bookings.services import BookingRequest, booking_create

    calendar = world.one_site if kind == "created" else world.auto_site
    for _ in range(count):
        customer = next(world.customers)
        booking_create(
            actor=customer.user,
            request=BookingRequest(
                vehicle_id=customer.vehicle_id,
                service_code=bench.SERVICE_CODE,
                site_id=calendar.site.public_id,
                start=calendar.take(),
            ),
        )


def make_events(world: bench.World, kind: str, count: int) -> list[str]:
    """`count` bookings, not handed to any worker: the ids of their events that send `kind`."""
    from core.models import OutboxEvent
    from core.outbox import relay

    with relay.replaced(lambda ids: None):
        book(world, kind, count)
    pending = OutboxEvent.objects.filter(type=f"booking.{kind}", dispatched_at__isnull=True)
    return [str(pk) for pk in pending.order_by("occurred_at").values_list("pk", flat=True)]


def one_email(event_id: str) -> tuple[float, float]:
    """Dispatches the event and sends its e-mail: the CPU seconds of each."""
    from core.dispatch import dispatch_event
    from core.emails import email_attempt

    began = time.process_time()
    result = dispatch_event(event_id=event_id)
    dispatched = time.process_time()
    assert len(result.email_ids) == 1, result
    outcome = email_attempt(notification_id=result.email_ids[0])
    assert outcome.sent, outcome
    return dispatched - began, time.process_time() - dispatched


def measure(event_ids: list[str]) -> tuple[float, float, float]:
    """(dispatch, send) CPU ms per e-mail, medians over batches; statements per e-mail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        one_email(event_ids[0])
    size = (len(event_ids) - 1) // BATCHES
    dispatch, send = [], []
    for batch in range(BATCHES):
        pairs = [one_email(pk) for pk in event_ids[1 + batch * size : 1 + (batch + 1) * size]]
        dispatch.append(1000 * sum(d for d, _s in pairs) / size)
        send.append(1000 * sum(s for _d, s in pairs) / size)
    return statistics.median(dispatch), statistics.median(send), len(captured)


def split(event_ids: list[str], label: str) -> None:
    """CPU ms per e-mail of each step (inclusive), without a profiler's overhead."""
    from dataclasses import replace

    from core import dispatch

    spent: dict[str, float] = {}

    def timed(step: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent[step] = spent.get(step, 0.0) + time.process_time() - began

        return wrapper

    undo = []
    consumers = dict(dispatch._registry.consumers)
    steps = _steps()
    for owner, attr, step in steps:
        original = getattr(owner, attr, None)
        if original is None:
            continue
        setattr(owner, attr, timed(step, original))
        undo.append((owner, attr, original))
        for name, consumer in consumers.items():  # a consumer holds its function itself
            if consumer.prepare is original:
                dispatch._registry.consumers[name] = replace(consumer, prepare=getattr(owner, attr))
    try:
        began = time.process_time()
        for pk in event_ids:
            one_email(pk)
        total = time.process_time() - began
    finally:
        for owner, attr, original in undo:
            setattr(owner, attr, original)
        dispatch._registry.consumers.update(consumers)
    per = 1000 / len(event_ids)
    print(f"\n{label}: {total * per:.2f} CPU ms per e-mail, of which (inclusive)")
    for _owner, _attr, step in steps:
        if step in spent:
            print(f"  {step:<34} {spent[step] * per:6.2f}")


def profile(event_ids: list[str], label: str) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for pk in event_ids:
        one_email(pk)
    profiler.disable()
    stats = pstats.Stats(profiler)
    per = 1000 / len(event_ids)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n--- profile: {label}, {total * per:.1f} CPU ms per e-mail under cProfile")
    stats.sort_stats("cumulative").print_stats(40)


def worker_cpu(world: bench.World, env: dict[str, str], kind: str, count: int) -> float:
    """CPU ms per e-mail of a real Celery worker (prefork, one child) over `count` bookings."""
    from core.models import EmailNotification

    def wait_sent(total: int) -> None:
        deadline = time.monotonic() + 120
        while EmailNotification.objects.filter(status="sent").count() < total:
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not send the e-mails in time")
            time.sleep(0.1)

    def ticks(root: int) -> int:
        processes = _processes()
        tree = _descendants(processes, {root})
        return sum(processes[pid].ticks + processes[pid].reaped for pid in tree if pid in processes)

    with (
        tempfile.TemporaryDirectory(prefix="bench_email_cpu_") as logs,
        celery_worker(env, Path(logs) / "worker.log", concurrency=1) as worker,
    ):
        sent = EmailNotification.objects.filter(status="sent").count()
        book(world, kind, 10)  # warm-up: the child's connections, templates, first-use caches
        wait_sent(sent + 10)
        before = ticks(worker.pid)
        book(world, kind, count)
        wait_sent(sent + 10 + count)
        used = ticks(worker.pid) - before
    return 1000 * used / os.sysconf("SC_CLK_TCK") / count


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="e-mails per case (100)")
    parser.add_argument("--split", action="store_true", help="time each step too")
    parser.add_argument("--profile", action="store_true", help="print cProfile's listing too")
    parser.add_argument("--worker", action="store_true", help="measure a Celery worker too")
    args = parser.parse_args()
    count = max(args.count - args.count % BATCHES, BATCHES)
    env = bench.configure_environment()
    sink = SmtpSink()
    env["EMAIL_PORT"] = os.environ["EMAIL_PORT"] = str(sink.port)
    try:
        with scratch_database(os.environ["DATABASE_URL"]):
            import django

            django.setup()
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            runs = 1 + args.split + args.profile
            per_case = count + 1 + WARM_UP
            world = bench.build_world(
                len(KINDS) * (len(BACKENDS) * per_case * runs + args.worker * (count + 10))
            )
            rows = []
            for kind in KINDS:
                for name, backend in BACKENDS.items():
                    settings.EMAIL_BACKEND = backend
                    for pk in make_events(world, kind, WARM_UP):
                        one_email(pk)
                    dispatch, send, statements = measure(make_events(world, kind, count + 1))
                    rows.append((kind, name, dispatch, send, statements))
                    if args.split:
                        split(make_events(world, kind, count), f"{kind}, {name}")
                    if args.profile:
                        profile(make_events(world, kind, count), f"{kind}, {name}")
            settings.EMAIL_BACKEND = BACKENDS["smtp"]
            workers = {kind: worker_cpu(world, env, kind, count) for kind in KINDS if args.worker}
            connection.close()
    finally:
        received = sink.stop()
        bench.forget_cache_keys()
    print(f"\nCPU ms per e-mail ({count} e-mails a case, median of {BATCHES} batches)")
    print(f"{'e-mail':<10} {'backend':<8} {'dispatch':>9} {'send':>7} {'total':>7} {'SQL':>5}")
    for kind, name, dispatch, send, statements in rows:
        total = dispatch + send
        print(f"{kind:<10} {name:<8} {dispatch:9.2f} {send:7.2f} {total:7.2f} {statements:5d}")
    for kind, ms in workers.items():
        print(f"{kind:<10} {'worker':<8} {'':>9} {'':>7} {ms:7.2f}   (Celery worker, SMTP)")
    print(f"(SQL: statements per e-mail, BEGIN and COMMIT included; the SMTP sink got {received})")


if __name__ == "__main__":
    main()
