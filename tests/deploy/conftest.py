"""The production stack as `python3 deploy/dev.py stack` starts it (deploy/stack.py, the real
command in a process of its own), once for the module that uses it: its own scratch database
(created and dropped here), its own Redis key prefix and queue, nginx on spare loopback ports.
Stopped with SIGTERM at the end, as Ctrl-C would, and checked to leave nothing running."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy.nginx_check import nginx_binary
from tests.worker import stack as stacks

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _require() -> None:
    if nginx_binary() is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is required here (REQUIRE_NGINX) but not installed")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres") or not os.environ.get("REDIS_URL"):
        pytest.skip("the stack needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")


def scratch_database_url() -> str:
    base = os.environ["DATABASE_URL"]
    name = f"{os.environ.get('TEST_DATABASE_NAME') or 'test'}_stack"
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def _admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin(url)
    # Ours, never another: the run's own test database name with "_stack".
    assert name.startswith("test"), name
    assert name.endswith("_stack"), name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@dataclass
class RunningStack:
    directory: Path
    database: str
    https_port: int
    apps: list[int]
    pids: dict[str, int]
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    def connection(
        self, *, source: str = "127.0.0.1", timeout: float = 15
    ) -> http.client.HTTPSConnection:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the stack's throw-away self-signed certificate
        connection = http.client.HTTPSConnection(
            "localhost", self.https_port, context=context, timeout=timeout
        )
        port = self.https_port
        # "localhost" for TLS's server name (nginx refuses a handshake without one), 127.0.0.1
        # for the address, from `source` (another loopback address is another client to nginx).
        connection._create_connection = lambda _address, *args, **kwargs: socket.create_connection(  # type: ignore[attr-defined]
            ("127.0.0.1", port), timeout, source_address=(source, 0)
        )
        return connection

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        source: str = "127.0.0.1",
        keep: http.client.HTTPSConnection | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """One request on a new connection, or on `keep` (left open for the next)."""
        conn = keep or self.connection(source=source)
        sent = {"Host": "localhost", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body)
            sent["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            raw = response.read()
            answered = {k.lower(): v for k, v in response.getheaders()}
            try:
                decoded = json.loads(raw) if raw else None
            except ValueError:
                decoded = raw.decode(errors="replace")
            return response.status, answered, decoded
        finally:
            if keep is None:
                conn.close()

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database) as conn:
            return list(conn.execute(query, args or None).fetchall())

    def manage(self, *args: str, timeout: float = 120) -> str:
        """A management command or script in the stack's own environment (its settings)."""
        result = subprocess.run(
            [str(BIN / "python"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result.stdout

    def log(self, name: str) -> str:
        return (self.directory / "logs" / f"{name}.log").read_text(errors="replace")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    _require()
    directory = tmp_path_factory.mktemp("stack")
    database = scratch_database_url()
    recreate_database(database)
    try:
        with launched_stack(directory, database) as stack:
            yield stack
    finally:
        drop_database(database)


@contextmanager
def launched_stack(directory: Path, database: str, **extra: str) -> Iterator[RunningStack]:
    """`deploy/stack.py` in a process of its own on `database` (which must exist), its files in
    `directory`; `extra`: more of its environment (STACK_APP_SERVERS, STACK_DEMO, ...). Stopped
    with SIGTERM on leaving, and checked to leave nothing running (tests and bench/stack.py)."""
    run = secrets.token_hex(4)
    https_port, http_port = stacks.spare_port(), stacks.spare_port()
    env = {
        **os.environ,
        "STACK_DATABASE_URL": database,
        "STACK_DIR": str(directory),
        "STACK_HTTPS_PORT": str(https_port),
        "STACK_HTTP_PORT": str(http_port),
        "CELERY_BROKER_URL": stacks.broker_url(),
        "CELERY_TASK_DEFAULT_QUEUE": f"stack-{run}",
        "CACHE_KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'test')}-stack-{run}",
        # A request killed with its server leaves its Idempotency-Key "in flight" for the lease:
        # scaled down (production: 60 s, above gunicorn's 30 s timeout; the same order here).
        "GUNICORN_TIMEOUT": "8",
        "IDEMPOTENCY_LEASE_SECONDS": "10",
        # A small demo (the command's default is larger): the drills need little of it.
        "STACK_DEMO_ARGS": "--customers 3 --bookings 6",
        **extra,
    }
    env.pop("TEST_DATABASE_NAME", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = (directory / "stack.out").open("wb")
    process = subprocess.Popen(
        [str(BIN / "python"), str(ROOT / "deploy" / "stack.py")],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    pids: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 240
        while not (directory / "ports.json").exists():
            assert process.poll() is None, (directory / "stack.out").read_text()[-4000:]
            assert time.monotonic() < deadline, (directory / "stack.out").read_text()[-4000:]
            time.sleep(0.2)
        ports = json.loads((directory / "ports.json").read_text())
        pids = json.loads((directory / "pids.json").read_text())
        stack_env = {
            **env,
            **json.loads((directory / "env.json").read_text()),
        }
        yield RunningStack(
            directory=directory,
            database=database,
            https_port=int(ports["https"]),
            apps=[int(port) for port in ports["apps"]],
            pids=pids,
            env=stack_env,
            process=process,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # what Ctrl-C does: the stack stops its own
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if (directory / "pids.json").exists():  # restarted processes have new ids
            pids = json.loads((directory / "pids.json").read_text())
        for pid in pids.values():
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)  # each runs in its own group
        _cleanup_broker(env)
        assert process.returncode == 0, (directory / "stack.out").read_text()[-4000:]
        left = [name for name, pid in pids.items() if _alive(pid)]
        assert not left, f"still running after the stack stopped: {left}"


def _cleanup_broker(env: dict[str, str]) -> None:
    import redis

    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
