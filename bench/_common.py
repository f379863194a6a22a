"""Plumbing for the benchmarks: a scratch PostgreSQL database, gunicorn on a free local port, a
do-nothing SMTP server, an HTTP load generator (threads, http.client), percentiles and tables.
Nothing here imports Django: the scripts configure the environment first, then set Django up.

    .venv/bin/python bench/_common.py --smtp-sink [DELAY]   # the sink alone (prints its port)
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# Written on the databases this module creates: only those are ever dropped.
MARKER = "scratch database of bench/ (safe to drop)"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest rank on the sorted samples (fraction 0.5 is the median); NaN when empty."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- scratch database -------------------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


@contextmanager
def scratch_database(url: str, *, keep: bool = False) -> Iterator[str]:
    """Creates the database named in `url` (marked as ours), drops it at the end unless `keep`.
    A leftover of an earlier run (it carries the marker) is dropped first; any other database
    of that name is refused, as are test* and the system databases."""
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    if (
        not name
        or name.lower().startswith("test")
        or name in {"postgres", "template0", "template1"}
    ):
        raise SystemExit(f"refusing to use the database {name!r}: pick a bench_* name")
    ident = sql.Identifier(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None:
            if row[0] != MARKER:
                raise SystemExit(f"the database {name!r} exists and was not made by bench/")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(MARKER)))
    try:
        yield name
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


# -- SMTP sink --------------------------------------------------------------------------------


class _SinkHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every command is accepted, every message is thrown away."""

    def handle(self) -> None:
        self.wfile.write(b"220 bench sink\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    time.sleep(self.server.delay)  # type: ignore[attr-defined]
                    self.server.messages += 1  # type: ignore[attr-defined]
                    self.wfile.write(b"250 ok\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _serve_sink(delay: float = 0.0) -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SinkHandler)
    server.daemon_threads = True
    server.messages = 0  # type: ignore[attr-defined]
    server.delay = delay  # type: ignore[attr-defined]

    def stop(_signum: int, _frame: object) -> None:
        print(f"messages {server.messages}", flush=True)  # type: ignore[attr-defined]
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


class SmtpSink:
    """The sink in a process of its own, so that it never competes for a benchmark's GIL.
    `delay`: seconds it takes to accept each message (a slow mail server)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--smtp-sink", str(delay)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            self.process.kill()
            raise RuntimeError("the SMTP sink did not start")
        self.port = int(line.split()[1])

    def stop(self) -> int:
        """Stops the sink; returns how many messages it received (-1 if unknown)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            return -1
        for line in out.splitlines():
            if line.startswith("messages "):
                return int(line.split()[1])
        return -1


# -- gunicorn ---------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py config.wsgi` (the production settings file) with
    `workers` sync workers on 127.0.0.1:<free port>; its output goes to `log_path`."""

    def __init__(
        self, *, workers: int, env: dict[str, str], log_path: Path, app: str = "config.wsgi"
    ) -> None:
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self._log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", app],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Every worker booted and /ready answering 200, within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            booted = self.log_path.read_text(errors="replace").count("Booting worker with pid")
            if booted >= self.workers and self._ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout:.0f} s; see {self.log_path}")

    def _ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/ready")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        """SIGTERM (graceful: workers finish their request), SIGKILL after 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@contextmanager
def gunicorn_running(
    *, workers: int, env: dict[str, str], log_path: Path, app: str = "config.wsgi"
) -> Iterator[Gunicorn]:
    """`app`: the WSGI module (bench.profiled_wsgi, bench.hello_wsgi for the benchmarks)."""
    server = Gunicorn(workers=workers, env=env, log_path=log_path, app=app)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


# -- Celery worker ----------------------------------------------------------------------------


@contextmanager
def celery_worker(
    env: dict[str, str], log_path: Path, *, concurrency: int = 2
) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A config worker` on the queue CELERY_TASK_DEFAULT_QUEUE of `env` (the run's own),
    until the block ends; the queue is deleted from the broker then."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--queues",
                env["CELERY_TASK_DEFAULT_QUEUE"],
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while b" ready." not in log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start; see {log_path}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            import redis

            broker = redis.Redis.from_url(env["CELERY_BROKER_URL"], socket_timeout=2)
            queue = env["CELERY_TASK_DEFAULT_QUEUE"]
            # The queue's list and kombu's routing sets for it (its "binding" keys).
            broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# -- HTTP load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One request, ready to send: its body and headers are built before the clock starts."""

    path: str
    body: bytes
    headers: dict[str, str]
    request_id: str  # also sent as X-Request-ID, to find the app's own access line


@dataclass(frozen=True)
class Outcome:
    began: float
    ended: float
    status: int  # 0: the connection broke
    code: str  # the error envelope's code, "" on success
    message: str
    request_id: str

    @property
    def ms(self) -> float:
        return (self.ended - self.began) * 1000


def post(conn: http.client.HTTPConnection, planned: Planned) -> tuple[int, str, str]:
    """One POST: (status, error code, error message)."""
    try:
        conn.request("POST", planned.path, planned.body, planned.headers)
        response = conn.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return 0, type(exc).__name__, str(exc)
    if response.status < 400:
        return response.status, "", ""
    try:
        error = json.loads(payload)["error"]
        return response.status, str(error["code"]), str(error.get("message", ""))
    except (ValueError, KeyError, TypeError):
        return response.status, "unparsed", payload[:200].decode(errors="replace")


def run_clients(
    port: int, plans: Sequence[Sequence[Planned]], limit_s: float, *, processes: int = 1
) -> list[Outcome]:
    """One thread and one connection per plan, all released together by a barrier once every
    connection is open; each sends its requests one after the other (sync gunicorn workers close
    the connection after each response; http.client then reconnects). No new request after
    `limit_s` seconds from the release. `processes` > 1: the plans dealt to that many processes
    of their own (threads in each, released together with the others'), so that the load
    generator is not one interpreter lock - to check that it is not what limits a figure."""
    if processes <= 1:
        return _run_threads(port, plans, limit_s, None)
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    ready = context.Barrier(processes + 1)
    results = context.Queue()
    shares = [list(plans[i::processes]) for i in range(processes)]
    children = [
        context.Process(target=_client_process, args=(port, share, limit_s, ready, results))
        for share in shares
        if share
    ]
    if len(children) < processes:
        raise ValueError("fewer plans than processes")
    for child in children:
        child.start()
    try:
        ready.wait(timeout=120)  # every child's connections open
        outcomes: list[Outcome] = []
        for _child in children:
            outcomes.extend(results.get(timeout=limit_s + 120))
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
    return outcomes


def _client_process(
    port: int, plans: Sequence[Sequence[Planned]], limit_s: float, ready: Any, results: Any
) -> None:
    results.put(_run_threads(port, plans, limit_s, ready))


def _run_threads(
    port: int, plans: Sequence[Sequence[Planned]], limit_s: float, ready: Any
) -> list[Outcome]:
    """`ready`: a barrier shared with other processes, passed once this process's connections
    are open (None: this process alone)."""
    stop_at = [0.0]

    def release() -> None:
        if ready is not None:
            ready.wait(timeout=120)
        stop_at[0] = time.monotonic() + limit_s

    barrier = threading.Barrier(len(plans), action=release)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def client(requests: Sequence[Planned]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        try:
            conn.connect()
            barrier.wait(timeout=150)
            for planned in requests:
                if time.monotonic() > stop_at[0]:
                    break
                began = time.perf_counter()
                status, code, message = post(conn, planned)
                ended = time.perf_counter()
                mine.append(Outcome(began, ended, status, code, message, planned.request_id))
        finally:
            conn.close()
            with lock:
                outcomes.extend(mine)

    threads = [threading.Thread(target=client, args=(requests,)) for requests in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=limit_s + 180)
    return outcomes


def access_times(log_path: Path) -> dict[str, float]:
    """Request id -> ms, from the app's own access lines (core.access, JSON logs)."""
    times = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
            if record.get("logger") == "core.access":
                # "POST /api/v1/bookings 201 25.3ms from 127.0.0.1": the token in ms.
                took = next((t for t in record["message"].split() if t.endswith("ms")), None)
                if took is not None:
                    times[record["request_id"]] = float(took.removesuffix("ms"))
        except (ValueError, KeyError, IndexError):
            continue
    return times


def errors_logged(log_path: Path) -> int:
    """Lines of gunicorn's output that report an error (app errors, tracebacks, worker kills)."""
    return sum(
        1
        for line in log_path.read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or "Traceback" in line or "[CRITICAL]" in line
    )


# -- who used the CPU -------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class _Proc:
    parent: int
    ticks: int  # its own user + system time so far
    reaped: int  # the user + system time of its children that ended and were waited for
    command: str


def _processes() -> dict[int, _Proc]:
    """Every process now, by pid."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
        found[int(entry.name)] = _Proc(
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]),
            command,
        )
    return found


def _descendants(processes: dict[int, _Proc], roots: set[int]) -> set[int]:
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, proc in processes.items():
            if proc.parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def _machine_counters() -> tuple[int, int, int]:
    """(all CPU ticks, stolen ticks) from /proc/stat's first line, and the microseconds in which
    some runnable task waited for a CPU (/proc/pressure/cpu, 0 where the kernel lacks it)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    try:
        pressure = Path("/proc/pressure/cpu").read_text().split("\n", 1)[0]
        waited = int(pressure.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        waited = 0
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0, waited


class CpuUse:
    """Where the machine's CPU went while we measured, in cores (CPU seconds per second of wall
    time; 2.0 is all of a 2-core machine):

    - each of `roots` (name -> pid): the process and all its descendants; the time of those that
      ended meanwhile is read from the root's count of its waited-for children, so a gunicorn
      worker recycled by max_requests still counts;
    - "client": this process (the load generator's threads, the sampler) and its children that
      ended meanwhile (run_clients' client processes);
    - "postgres": PostgreSQL's backends serving `database`;
    - "others": everything else but PostgreSQL's background processes and Redis (shared with
      other users, driven by us as well) - other users' processes, sampled every second so that
      one that ends meanwhile still counts up to its last sample;
    - "stolen": time the hypervisor gave to other guests (/proc/stat's steal), in cores;
    - "waiting": the share of the wall time in which some runnable task waited for a CPU
      (/proc/pressure/cpu "some"): 0 on an idle machine, near 1 when the cores are oversubscribed.
    On a shared machine this says how far a figure may have been disturbed, and by whom."""

    def __init__(self, database: str, roots: dict[str, int] | None = None) -> None:
        self.database = database
        self.roots = dict(roots or {})
        self._before = _processes()
        self._seen = dict(self._before)
        self._counters = _machine_counters()
        self._began = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self._seen.update(_processes())

    def _delta(self, pid: int, ticks: int) -> int:
        before = self._before.get(pid)
        return ticks - (before.ticks if before else 0)

    def cores(self) -> dict[str, float]:
        """Stops the sampling; cores used per name since the start (see the class)."""
        self._stop.set()
        self._thread.join()
        now = _processes()
        self._seen.update(now)
        seconds = max(time.monotonic() - self._began, 1e-6)
        after = _machine_counters()
        total, stolen, waited = (b - a for a, b in zip(self._counters, after, strict=True))
        cpus = os.cpu_count() or 1
        ticks: dict[str, int] = {}
        claimed = {os.getpid()}
        for name, root in self.roots.items():
            tree = _descendants(self._seen, {root})
            claimed |= tree
            alive = sum(self._delta(pid, now[pid].ticks) for pid in tree if pid in now)
            # Ended children: their whole life is in the root's count; less what they had used
            # before we started.
            gone = sum(self._before[pid].ticks for pid in tree - now.keys() if pid in self._before)
            reaped = now[root].reaped - self._before[root].reaped if root in now else 0
            ticks[name] = alive + reaped - gone
        me, mine = os.getpid(), now.get(os.getpid())
        # With the client processes that ended meanwhile (run_clients(processes=...)).
        ticks["client"] = (
            self._delta(me, mine.ticks) + mine.reaped - self._before[me].reaped if mine else 0
        )
        claimed = _descendants(self._seen, claimed)  # the SMTP sink and other children
        ticks["postgres"] = ticks["others"] = 0
        for pid, proc in self._seen.items():
            postgres = proc.command.startswith(("postgres:", "/usr/lib/postgresql"))
            background = "15/main:" in proc.command or proc.command.startswith(
                "/usr/lib/postgresql"
            )
            if postgres and f" {self.database} " in proc.command:
                ticks["postgres"] += self._delta(pid, proc.ticks)
            elif (
                pid not in claimed
                and not (postgres and background)
                and ("redis-server" not in proc.command)
            ):
                ticks["others"] += self._delta(pid, proc.ticks)
        used = {name: n / _TICKS / seconds for name, n in ticks.items()}
        used["stolen"] = stolen / max(total, 1) * cpus
        used["waiting"] = waited / 1e6 / seconds
        return used


class OtherLoad(CpuUse):
    """The share of the machine's CPU that other users' processes used while we measured (see
    CpuUse's "others")."""

    def __init__(self, database: str) -> None:
        super().__init__(database)

    def share(self) -> float:
        """Others' CPU from the start until now, as a fraction of all cores (0.5: one of 2)."""
        return self.cores()["others"] / (os.cpu_count() or 1)


def wait_for_quiet(database: str, *, limit: float = 0.1, timeout_s: float = 30.0) -> float:
    """Waits (at most `timeout_s`) for a second in which others use under `limit` of the CPU;
    returns the last share seen."""
    deadline = time.monotonic() + timeout_s
    while True:
        probe = OtherLoad(database)
        time.sleep(1.0)
        share = probe.share()
        if share < limit or time.monotonic() > deadline:
            return share


# -- tables -----------------------------------------------------------------------------------


def text_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


if __name__ == "__main__" and sys.argv[1:2] == ["--smtp-sink"]:
    _serve_sink(float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
