"""A hello-world WSGI application: the floor of gunicorn itself on this machine, for
bench/booking.py's throughput ratio (`gunicorn -c deploy/gunicorn.conf.py bench.hello_wsgi`,
less worker recycling: booking.hello_env).
It answers /ready too, as the benchmark's readiness probe asks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b'{"hello": "world"}'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response(
        "200 OK" if environ.get("REQUEST_METHOD") != "POST" else "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))],
    )
    return [BODY]
