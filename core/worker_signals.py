"""What every Celery task gets from the worker, through Celery's signals (connected by
config.celery): its outcome and duration in the metrics (core.metrics), and the request id of the
request that caused it in its log lines. The relay (core.tasks) sends that id in each task's
headers; a task handing on further tasks (an event's e-mails and webhooks) passes it on."""

from __future__ import annotations

import time
from typing import Any

from celery.signals import task_postrun, task_prerun

from core import metrics
from core.request_context import get_request_id, reset_request_id, set_request_id

REQUEST_ID_HEADER = "request_id"

_started: dict[str, tuple[float, object]] = {}


def request_id_of(task: Any) -> str | None:
    value = getattr(task.request, REQUEST_ID_HEADER, None)
    return value if isinstance(value, str) and value else None


@task_prerun.connect
def _before(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    if task_id is None or task is None:
        return
    # Eager mode (no broker) runs the task inside the request: its id is already the current one.
    token = set_request_id(request_id_of(task) or get_request_id())
    _started[task_id] = (time.perf_counter(), token)


@task_postrun.connect
def _after(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: Any
) -> None:
    if task_id is None or task is None:
        return
    begun = _started.pop(task_id, None)
    seconds = None
    if begun is not None:
        seconds = time.perf_counter() - begun[0]
        try:
            reset_request_id(begun[1])
        except ValueError:  # set in another context (a thread pool): leave it
            set_request_id(None)
    outcome = {"SUCCESS": "success", "RETRY": "retry"}.get(state or "", "failure")
    metrics.observe_task(task=task.name, outcome=outcome, seconds=seconds)
