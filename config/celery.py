"""The worker's Celery app (docs/adr/0008-outbox-and-celery.md, README "Production").

    celery -A config worker --loglevel INFO      # runs the tasks (as many as wanted)
    celery -A config beat --loglevel INFO        # the periodic jobs below (one is enough)

Settings come from Django's, prefixed CELERY_ (config/settings/base.py). The periodic jobs call
the same services as the management commands, and each is harmless when run twice at once (two
beat processes by mistake): see each task's docstring and docs/rules/events.md."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from core import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("carservice")
app.config_from_object("django.conf:settings", namespace="CELERY")

# An unknown OTEL_TRACES_EXPORTER stops the worker and beat here, as it stops the app server:
# raised in worker_process_init (below), Celery would only log it and run untraced.
tracing.check()

# Reliability defaults for every task; a task may only tighten them.
app.conf.update(
    # A task is acknowledged when it ends, not when it starts: a worker killed in the middle
    # leaves the message to be delivered again (the consumers are idempotent).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # Hard and soft limits: nothing holds a worker process for ever (SMTP and HTTP have their
    # own shorter timeouts).
    task_time_limit=90,
    task_soft_time_limit=60,
    # Publishing happens after a request's commit: a broker that is down must cost little
    # time there (the sweeper hands the event again later).
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    broker_connection_timeout=2,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        # Longer than any countdown we schedule (core.tasks.SHORT_RETRY_MAX_SECONDS): Redis
        # delivers a message again when it is not acknowledged within this time.
        "visibility_timeout": 3600,
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    },
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
)

# Periodic jobs (Celery beat), in code. Each is idempotent: running it twice, or in two beats at
# once, changes nothing more than running it once.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "expire-pending-bookings": {
        "task": "bookings.expire_pending_bookings",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    "send-reminders": {
        "task": "bookings.send_reminders",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 300},
    },
    "outbox-sweep": {
        "task": "core.outbox_sweep",
        # Read here, not from Django's settings: this module is loaded before them.
        "schedule": timedelta(seconds=float(os.environ.get("OUTBOX_SWEEP_EVERY_SECONDS", "30"))),
        "options": {"expires": 30},
    },
    "purge-idempotency-keys": {
        "task": "core.purge_idempotency_keys",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3600},
    },
    "purge-outbox": {
        "task": "core.purge_outbox",
        "schedule": timedelta(hours=6),
        "options": {"expires": 3600},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE

# Every app's tasks.py, by Celery's own discovery (the modules are also imported by the code that
# hands them tasks, so import-linter sees those imports).
app.autodiscover_tasks(["core", "bookings"])

# Every task's outcome and duration in the metrics, and its cause's request id in its log lines.
import core.worker_signals  # noqa: E402, F401


@worker_process_init.connect
def _tracing(**_kwargs: Any) -> None:
    """Each worker process (after the fork: the exporter's thread would not survive it) traces
    its tasks and their queries when the OTEL_* variables ask for it (core.tracing)."""
    tracing.configure()
