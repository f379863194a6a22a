"""Through a real gunicorn (deploy/gunicorn.conf.py, one sync worker, 127.0.0.1, a spare port):
what gunicorn itself would answer in HTML under /api/ is the envelope. A URL over the API's limit
is refused by the app (gunicorn's own request-line limit is set above it); a worker that outlives
gunicorn's timeout answers a 503 envelope instead of gunicorn's HTML 500; a Host we do not serve
is a 400 envelope. The server is stopped at the end whatever happens."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.gunicorn

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
TIMEOUT_SECONDS = 2


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    port = _spare_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.gunicorn_settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                "deploy/gunicorn.conf.py",
                "--timeout",
                str(TIMEOUT_SECONDS),
                "config.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while _get(port, "/health", timeout=1) is None:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.1)
            yield {"port": port, "log": log_path}
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _get(
    port: int, path: str, *, timeout: float = 20, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes] | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError:
        return None
    finally:
        conn.close()


def _envelope(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer is not None, "no answer"
    got, headers, body = answer
    assert got == status, body[:300]
    assert headers["Content-Type"].startswith("application/json"), body[:300]
    error = json.loads(body)["error"]
    assert error["code"] == code
    assert error["request_id"] == headers["X-Request-ID"]
    return dict(error)


def test_a_long_url_is_a_414_envelope_not_gunicorns_page(server: dict[str, Any]) -> None:
    path = "/api/v1/services?kind=" + "x" * settings.API_MAX_URL_LENGTH
    _envelope(_get(server["port"], path), 414, "uri_too_long")


def test_a_bad_host_is_a_400_envelope(server: dict[str, Any]) -> None:
    answer = _get(server["port"], "/api/v1/services", headers={"Host": "evil.example"})
    _envelope(answer, 400, "invalid_host")


def test_a_worker_timeout_is_a_503_envelope_not_gunicorns_500(server: dict[str, Any]) -> None:
    answer = _get(server["port"], "/api/v1/test/hang", headers={"X-Request-ID": "hang-trace-01"})
    error = _envelope(answer, 503, "service_unavailable")
    assert error["request_id"] == "hang-trace-01"
    # gunicorn replaces the aborted worker: the next request is served.
    deadline = time.monotonic() + 30
    while (ok := _get(server["port"], "/health", timeout=2)) is None or ok[0] != 200:
        assert time.monotonic() < deadline, "no worker back within 30 s"
        time.sleep(0.2)
