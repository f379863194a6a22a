"""A real Celery worker (and gunicorn in front of the API) for tests and benchmarks, as
processes of their own: on loopback, against the test database and a Redis database of the
run's own (a queue name no one else uses), each bounded in time and stopped at the end.

The broker's Redis database: TEST_CELERY_BROKER_URL, else REDIS_URL's server with the next
database number (REDIS_URL=redis://127.0.0.1:6379/10 -> /11)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def broker_url() -> str:
    explicit = os.environ.get("TEST_CELERY_BROKER_URL")
    if explicit:
        return explicit
    parts = urlsplit(os.environ["REDIS_URL"])
    db = int(parts.path.lstrip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 1) % 16}"))


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(settings_dict: dict[str, object]) -> str:
    """The URL of the database the test process is connected to (its test database)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Stack:
    env: dict[str, str]
    queue: str
    broker: str
    logs: Path


def stack_env(
    *, database: str, smtp_port: int, logs: Path, broker: str | None = None, **extra: str
) -> Stack:
    queue = f"test-{secrets.token_hex(4)}"
    broker = broker or broker_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker.settings",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_PORT": str(smtp_port),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("TEST_DATABASE_NAME", None)
    return Stack(env=env, queue=queue, broker=broker, logs=logs)


def _wait_for(
    predicate: Callable[[], bool],
    *,
    process: subprocess.Popen[bytes],
    log: Path,
    within: float,
    what: str,
) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready within {within} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def worker(
    stack: Stack, *, concurrency: int = 2, name: str = "worker", as_deployed: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery worker on the run's own queue. By default without mingle and heartbeat (faster to
    start and stop); `as_deployed`: the command line deploy/stack.py and compose run (the drills
    that break the broker test the command that ships)."""
    from deploy.stack import SERVICES

    log = stack.logs / f"{name}.log"
    flags = (
        SERVICES["worker"][1:]
        if as_deployed
        else [
            *SERVICES["worker"][1:],
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
    command = [
        str(BIN / "celery"),
        *flags,
        "--concurrency",
        str(concurrency),
        "--queues",
        stack.queue,
        "--hostname",
        f"{stack.queue}-{name}@%h",
    ]
    try:
        with _running(
            command, log=log, env=stack.env, ready=b" ready.", what="the Celery worker"
        ) as process:
            yield process
    finally:
        _purge_queue(stack)


@contextmanager
def _running(
    command: list[str],
    *,
    log: Path,
    env: dict[str, str],
    ready: bytes | Callable[[], bool],
    what: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """`command` run from the repository, its output in `log`, handed over once it is `ready`
    (those bytes in its log, or the predicate true) within 60 s; stopped on the way out."""
    ready_now = (lambda: ready in log.read_bytes()) if isinstance(ready, bytes) else ready
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(ready_now, process=process, log=log, within=60, what=what)
            yield process
        finally:
            _stop(process)


def _purge_queue(stack: Stack) -> None:
    """Removes the run's own queue (never anything else of that Redis database)."""
    import redis

    client = redis.Redis.from_url(stack.broker)
    # The queue's list and kombu's routing sets for it (its "binding" keys).
    client.delete(
        stack.queue, f"_kombu.binding.{stack.queue}", f"_kombu.binding_permanent.{stack.queue}"
    )
    client.close()


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A throwaway redis-server of the test's own on a loopback port (Debian's package), no
    persistence: `stop()` and `start()` again on the same port for an outage (what it held is
    lost, as with a real Redis without persistence). Used as a context manager, it is stopped
    whatever happens; no shared Redis database is touched."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                *("--bind", "127.0.0.1", "--port", str(self.port), "--save", ""),
                *("--appendonly", "no", "--protected-mode", "yes"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _pong(self.port):
            if self.process.poll() is not None:
                raise RuntimeError("redis-server exited at start")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not answer within 10 s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb, Debian's binaries) on a spare loopback
    port, trust authentication, no fsync: `stop()` and `start()` again for a restart. Run as the
    `postgres` user when the test runs as root (initdb refuses root); its directory is removed
    at the end. Nothing of the machine's own cluster is touched."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.directory = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").exists()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/drill"

    def _run(self, *argv: str, timeout: float = 120) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *argv], check=True, timeout=timeout, capture_output=True, cwd=self.directory
        )

    def init(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "drill")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
            " -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def __enter__(self) -> PostgresCluster:
        try:
            self.init()
        except BaseException:
            self.__exit__(None, None, None)  # a half-started cluster and its directory go
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def gunicorn(stack: Stack, *, workers: int = 2, name: str = "gunicorn") -> Iterator[int]:
    port = spare_port()
    log = stack.logs / f"{name}.log"
    env = {**stack.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
    with _running(command, log=log, env=env, ready=lambda: _answers(port), what="gunicorn"):
        yield port


@contextmanager
def beat(stack: Stack, *, name: str = "beat") -> Iterator[subprocess.Popen[bytes]]:
    """`celery beat` with its schedule file in the test's directory."""
    log = stack.logs / f"{name}.log"
    command = [
        str(BIN / "celery"),
        *("-A", "config", "beat", "--loglevel", "INFO"),
        *("--schedule", str(stack.logs / f"{name}-schedule")),
    ]
    with _running(
        command, log=log, env=stack.env, ready=b"beat: Starting", what="celery beat"
    ) as process:
        yield process
