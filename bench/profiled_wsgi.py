"""The project's WSGI application with each request that carries X-Bench-Profile: 1 profiled
by cProfile, for
bench/booking_profile.py: `gunicorn -c deploy/gunicorn.conf.py bench.profiled_wsgi`.

Each worker accumulates one profile over the requests it profiles (the response body consumed and
closed inside the profile, so the request_finished handlers count) and writes it to
BENCH_PROFILE_DIR/<pid>.prof when it exits. Others (the warm-up, /ready) are not profiled."""

from __future__ import annotations

import atexit
import cProfile
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from config.wsgi import application as _application

_profile = cProfile.Profile()
_directory = Path(os.environ["BENCH_PROFILE_DIR"])


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("HTTP_X_BENCH_PROFILE") != "1":
        return _application(environ, start_response)
    _profile.enable()
    try:
        result = _application(environ, start_response)
        body = b"".join(result)
        close = getattr(result, "close", None)
        if close is not None:
            close()
    finally:
        _profile.disable()
    return [body]


@atexit.register
def _dump() -> None:
    _profile.dump_stats(str(_directory / f"{os.getpid()}.prof"))
