"""The production topology on one machine: `python3 deploy/dev.py stack` (README, "Production").

On loopback, with the machine's PostgreSQL and Redis: nginx (Debian's package, the shipped
deploy/nginx.conf) in front of two gunicorn app servers, one Celery worker and Celery beat, all
with the production settings; the database migrated, static files collected (nginx serves them)
and the demo data loaded. Prints the URLs and runs until Ctrl-C or SIGTERM, then stops everything
it started. deploy/compose.yaml describes the same topology for containers: the commands below
(SERVICES) and the names of the settings (SETTINGS) are the ones it uses (tests/deploy/ compares).

Its own database and Redis namespace, from the environment:
    STACK_DATABASE_URL   default: DATABASE_URL's server (postgres://postgres@127.0.0.1:5432)
                         with the database carservice_stack, created when missing
    REDIS_URL            default redis://127.0.0.1:6379/0; the broker is CELERY_BROKER_URL
                         (default: REDIS_URL); CACHE_KEY_PREFIX default "stack", queue "stack"
    STACK_HTTPS_PORT / STACK_HTTP_PORT   nginx's ports (default 8443 / 8080)
    STACK_DIR            where logs, static files and nginx's files go (default: a temporary one)
    STACK_DEMO=0         no demo data; STACK_DEMO_ARGS: seed_demo's options (e.g. --customers 5)
    STACK_APP_SERVERS    how many gunicorn app servers behind nginx (default 2; bench/stack.py
                         compares 1 and 2)
Without EMAIL_HOST, e-mails go to a local SMTP sink that writes them to STACK_DIR/mail.log."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from deploy.nginx_check import SHIPPED, nginx_binary, prepare  # noqa: E402

# The processes of the topology, as argv (the program first, looked up in the venv): the same
# lists are the `command:` of deploy/compose.yaml's services.
SERVICES: dict[str, list[str]] = {
    "migrate": ["python", "manage.py", "migrate", "--noinput"],
    "collectstatic": ["python", "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
    "demo": ["python", "manage.py", "seed_demo"],
    "app": ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
    "worker": ["celery", "-A", "config", "worker", "--loglevel", "INFO", "--without-gossip"],
    "beat": ["celery", "-A", "config", "beat", "--loglevel", "INFO"],
}

# The settings every process of the topology gets (values per machine; compose sets the same
# names for its app, worker and beat services).
SETTINGS = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_WORKER_CONCURRENCY",
    "CELERY_BEAT_SCHEDULE_FILENAME",
    "CACHE_KEY_PREFIX",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "TRUSTED_PROXIES",
    "STATIC_ROOT",
    "PROMETHEUS_MULTIPROC_DIR",
    "METRICS_ALLOWED_NETWORKS",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "LOG_FORMAT",
    "GUNICORN_WORKERS",
)

APP_SERVERS = 2
# Started again when they die, as compose's `restart: unless-stopped` does (app1, app2, ...);
# nginx (or the mail sink) dying stops the stack.
RESTARTED = {"worker", "beat"}


def restarted(name: str) -> bool:
    return name in RESTARTED or re.fullmatch(r"app\d+", name) is not None


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def nginx_config(
    text: str,
    *,
    http_port: int,
    https_port: int,
    app_ports: list[int],
    static_root: Path,
    server_names: str = "localhost 127.0.0.1",
) -> str:
    """The shipped deploy/nginx.conf for this machine: loopback ports, our app servers, our
    static files and server names; nothing else changes (the tests run the same text)."""
    servers = "\n    ".join(
        f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in app_ports
    )
    rules = [
        (r"listen 80\b", f"listen 127.0.0.1:{http_port}", 2),
        (r"listen 443\b", f"listen 127.0.0.1:{https_port}", 2),
        (r"server 127\.0\.0\.1:8000 [^;]*;", servers, 1),
        (r"alias /srv/booking/staticfiles/;", f"alias {static_root}/;", 1),
        (r"server_name booking\.example\.com;", f"server_name {server_names};", 2),
        (r"https://\$server_name\$request_uri", f"https://$host:{https_port}$request_uri", 1),
    ]
    for pattern, replacement, count in rules:
        text, made = re.subn(pattern, replacement, text)
        if made != count:
            raise RuntimeError(f"{pattern!r} found {made} times in {SHIPPED}, expected {count}")
    return text


def default_database_url() -> str:
    explicit = os.environ.get("STACK_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunsplit(urlsplit(base)._replace(path="/carservice_stack"))


def ensure_database(url: str) -> None:
    """Creates the stack's database when it does not exist (never drops anything)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Stack:
    """What `start` started: the URLs, the ports, the environment and the processes."""

    directory: Path
    env: dict[str, str]
    https_port: int
    http_port: int
    app_ports: list[int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # How each long-running process is started (again, should it die: RESTARTED).
    launchers: dict[str, Callable[[], subprocess.Popen[bytes]]] = field(default_factory=dict)

    def launch(self, name: str, launcher: Callable[[], subprocess.Popen[bytes]]) -> None:
        self.launchers[name] = launcher
        self.processes[name] = launcher()
        self.write_pids()

    def restart(self, name: str) -> None:
        self.processes[name] = self.launchers[name]()
        self.write_pids()

    def write_pids(self) -> None:
        # For operators and the failure drills (tests/deploy/): which process is which.
        (self.directory / "pids.json").write_text(
            json.dumps({name: process.pid for name, process in self.processes.items()})
        )

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.https_port}"

    def log(self, name: str) -> Path:
        return self.directory / "logs" / f"{name}.log"

    def urls(self) -> str:
        base = self.base_url
        apps = ", ".join(f"http://127.0.0.1:{port}" for port in self.app_ports)
        return (
            f"\n  Site:     {base}/  (self-signed certificate; nginx, {len(self.app_ports)}"
            f" app servers)\n"
            f"  Admin:    {base}/admin/  admin@example.com / admin\n"
            f"  API:      {base}/api/v1/docs  customer@example.com / customer\n"
            f"  Health:   {base}/health   Ready: {base}/ready\n"
            f"  Metrics:  http://127.0.0.1:{self.app_ports[0]}/metrics  (app servers only,"
            f" never through nginx)\n"
            f"  App servers: {apps}\n"
            f"  Logs:     {self.directory / 'logs'}\n"
        )


def _program(argv: list[str]) -> list[str]:
    first = "python" if argv[0] == "python" else argv[0]
    return [str(BIN / first), *argv[1:]]


def stack_environment(
    directory: Path, *, https_port: int, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    source = dict(os.environ if base is None else base)
    redis_url = source.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    origins = f"https://localhost:{https_port},https://127.0.0.1:{https_port}"
    env = {
        **source,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": source.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": default_database_url()
        if base is None
        else source.get("STACK_DATABASE_URL", ""),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": source.get("CELERY_BROKER_URL") or redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": source.get("CELERY_TASK_DEFAULT_QUEUE") or "stack",
        "CELERY_WORKER_CONCURRENCY": source.get("CELERY_WORKER_CONCURRENCY") or "2",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(directory / "celerybeat-schedule"),
        "CACHE_KEY_PREFIX": source.get("CACHE_KEY_PREFIX") or "stack",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": origins,
        "TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": str(directory / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(directory / "metrics"),
        "METRICS_ALLOWED_NETWORKS": source.get("METRICS_ALLOWED_NETWORKS") or "127.0.0.1/32",
        "EMAIL_HOST": source.get("EMAIL_HOST") or "127.0.0.1",
        "EMAIL_PORT": source.get("EMAIL_PORT") or "25",
        "LOG_FORMAT": "json",
        "GUNICORN_WORKERS": source.get("GUNICORN_WORKERS") or "2",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_NAME", None)
    return env


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            process.send_signal(sig)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def start(
    directory: Path,
    *,
    https_port: int,
    http_port: int,
    env: dict[str, str],
    demo: bool = True,
    say: Callable[[str], None] = print,
    ready_within: float = 90,
    app_servers: int = APP_SERVERS,
) -> Iterator[Stack]:
    """Starts the whole topology; stops every process it started on leaving (in reverse)."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    (directory / "logs").mkdir(parents=True, exist_ok=True)
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics, ignore_errors=True)  # a multiprocess directory starts empty
    metrics.mkdir(parents=True)
    stack = Stack(
        directory=directory,
        env=env,
        https_port=https_port,
        http_port=http_port,
        app_ports=[spare_port() for _ in range(app_servers)],
    )

    # The one-shot commands count nothing that /metrics should serve (demo bookings).
    once_env = {key: value for key, value in env.items() if key != "PROMETHEUS_MULTIPROC_DIR"}

    def run_once(name: str, *extra: str) -> None:
        say(f"  {name} ...")
        with stack.log(name).open("wb") as out:
            result = subprocess.run(
                [*_program(SERVICES[name]), *extra],
                cwd=ROOT,
                env=once_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=600,
            )
        if result.returncode != 0:
            raise RuntimeError(f"{name} failed:\n{stack.log(name).read_text()[-4000:]}")

    def launch(name: str, argv: list[str], extra: dict[str, str] | None = None) -> None:
        def popen() -> subprocess.Popen[bytes]:
            with stack.log(name).open("ab") as out:
                return subprocess.Popen(
                    argv,
                    cwd=ROOT,
                    env={**env, **(extra or {})},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches the stack, which stops each in turn
                )

        stack.launch(name, popen)

    def wait_until(name: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + ready_within
        process = stack.processes[name]
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{stack.log(name).read_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{name} not ready in {ready_within} s:\n{stack.log(name).read_text()[-4000:]}"
                )
            time.sleep(0.1)

    try:
        run_once("migrate")
        run_once("collectstatic")
        if demo:
            run_once("demo", *env.get("STACK_DEMO_ARGS", "").split())
        if env["EMAIL_PORT"] == "25" and env["EMAIL_HOST"] == "127.0.0.1":
            port = spare_port()
            env["EMAIL_PORT"] = str(port)
            launch(
                "mail",
                [
                    str(BIN / "python"),
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    f"127.0.0.1:{port}",
                    "-c",
                    "aiosmtpd.handlers.Debugging",
                ],
            )
            wait_until("mail", lambda: answers(port))
        for number, port in enumerate(stack.app_ports, start=1):
            launch(
                f"app{number}", _program(SERVICES["app"]), {"GUNICORN_BIND": f"127.0.0.1:{port}"}
            )
        launch("worker", _program(SERVICES["worker"]))
        launch("beat", _program(SERVICES["beat"]))
        prefix = directory / "nginx"
        prefix.mkdir(exist_ok=True)
        config = prefix / "booking.conf"
        config.write_text(
            nginx_config(
                SHIPPED.read_text(),
                http_port=http_port,
                https_port=https_port,
                app_ports=stack.app_ports,
                static_root=Path(env["STATIC_ROOT"]),
            )
        )
        wrapper = prepare(prefix, config=config)
        # Run as root (CI), nginx's workers would be "nobody", who cannot read a private
        # temporary directory: they stay the user who started the stack (loopback only).
        directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
        launch("nginx", [nginx, "-p", str(prefix), "-c", str(wrapper), "-g", directives])
        for number, port in enumerate(stack.app_ports, start=1):
            wait_until(f"app{number}", lambda port=port: answers(port))  # type: ignore[misc]
        wait_until("nginx", lambda: answers(https_port))
        wait_until("worker", lambda: b" ready." in stack.log("worker").read_bytes())
        settings = directory / "env.json"
        settings.touch(mode=0o600)
        settings.write_text(json.dumps({name: env[name] for name in SETTINGS}))
        (directory / "ports.json").write_text(
            json.dumps({"https": https_port, "http": http_port, "apps": stack.app_ports})
        )
        yield stack
    finally:
        # nginx first (no new requests), then the app servers, beat, the worker, the mail sink.
        for name in reversed(list(stack.processes)):
            process = stack.processes[name]
            _stop(process, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    # Once: a second Ctrl-C must not interrupt the stopping of what was started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise _Stop


def main() -> int:
    https_port = int(os.environ.get("STACK_HTTPS_PORT", "8443"))
    http_port = int(os.environ.get("STACK_HTTP_PORT", "8080"))
    given_servers = os.environ.get("STACK_APP_SERVERS") or str(APP_SERVERS)
    if not given_servers.isascii() or not given_servers.isdigit() or int(given_servers) < 1:
        sys.exit(f"STACK_APP_SERVERS must be a whole number of at least 1 (not {given_servers!r}).")
    app_servers = int(given_servers)
    for port in (https_port, http_port):
        if answers(port):
            sys.exit(f"127.0.0.1:{port} is in use: set STACK_HTTPS_PORT / STACK_HTTP_PORT.")
    with ExitStack() as cleanup:
        given = os.environ.get("STACK_DIR")
        directory = (
            Path(given)
            if given
            else Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="stack-")))
        )
        env = stack_environment(directory, https_port=https_port)
        print(f"Starting the stack in {directory} ...", flush=True)
        ensure_database(env["DATABASE_URL"])
        signal.signal(signal.SIGTERM, _raise_stop)
        signal.signal(signal.SIGINT, _raise_stop)
        try:
            with start(
                directory,
                https_port=https_port,
                http_port=http_port,
                env=env,
                demo=os.environ.get("STACK_DEMO", "1") != "0",
                say=lambda line: print(line, flush=True),
                app_servers=app_servers,
            ) as stack:
                print(stack.urls(), flush=True)
                print("Ctrl-C stops everything.", flush=True)
                while True:
                    for name, process in list(stack.processes.items()):
                        if process.poll() is None:
                            continue
                        if not restarted(name):
                            print(f"{name} exited ({process.returncode}); stopping", flush=True)
                            return 1
                        # What a process manager (systemd, compose's restart policy) does.
                        print(f"{name} exited ({process.returncode}); restarting", flush=True)
                        time.sleep(1)
                        stack.restart(name)
                    time.sleep(0.5)
        except _Stop:
            print("\nStopping ...", flush=True)
        except RuntimeError as error:
            print(f"The stack could not start: {error}", file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
