"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`."""

import multiprocessing
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Shorter than the Idempotency-Key lease (IDEMPOTENCY_LEASE_SECONDS, 60 s) whatever it is set to.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = None  # the app writes its own access line with the request id
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's own refusals are HTML pages it writes itself (gunicorn.util.write_error, no hook).
# Its request-line limit is set to its maximum, above the API's (API_MAX_URL_LENGTH, 4096), so
# that a long URL reaches the app, which answers 414 in the envelope; behind nginx a line over
# nginx's 8 KiB buffer is refused by nginx first. A worker that outlives `timeout` is stopped
# with SystemExit, which config.wsgi's guard turns into a 503 envelope (docs/rules/api.md).
limit_request_line = 8190
# No control socket: several app servers on one machine would share its one default path.
control_socket_disable = True


def child_exit(server: Any, worker: Any) -> None:
    """A worker's metrics files stay (its counts go on adding up); its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
