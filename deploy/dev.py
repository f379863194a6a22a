#!/usr/bin/env python3
"""The two set-up commands of the README, with nothing but Python 3.11 on the machine.

    python3 deploy/dev.py run    install, migrate, load demo data, serve on http://127.0.0.1:8000
                                 (PORT=8001 python3 deploy/dev.py run: another port)
    python3 deploy/dev.py test   install and run the whole test suite (extra args go to pytest)
    python3 deploy/dev.py stack  install, then the production topology on loopback: nginx, two
                                 gunicorn app servers, a Celery worker and beat (deploy/stack.py)

Installs into ./.venv from the committed uv.lock (uv itself comes from PyPI into that venv).
DATABASE_URL / REDIS_URL are honoured; without them: SQLite and local-memory cache."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
UV_VERSION = "0.13.9"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def install() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        sh(sys.executable, "-m", "venv", VENV)
    uv = BIN / "uv"
    if not uv.exists():
        sh(
            PYTHON,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"uv=={UV_VERSION}",
        )
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)}
    print("Installing the locked dependencies ...", flush=True)
    sh(uv, "sync", "--frozen", "--quiet", "--python", PYTHON, env=env)
    if any((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        sh(PYTHON, ROOT / "deploy" / "compile_messages.py")


def _django_env(settings: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": f"config.settings.{settings}"}


def free_port(raw: str) -> int:
    """PORT as a number that nothing listens on at 127.0.0.1, or exit with what to do.

    Checked before installing and migrating: runserver would only find out after both, and a
    database migrated for a server that cannot start is a surprise."""
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        sys.exit(f"PORT must be a number from 1 to 65535 (it is {raw!r}).")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As runserver binds: TIME_WAIT connections left by a stopped server do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            why = "is already in use" if error.errno == errno.EADDRINUSE else f"({error.strerror})"
            other = port + 1 if port < 65535 else 8001
            sys.exit(
                f"Cannot serve on 127.0.0.1:{port}: the port {why}. Stop what runs there or choose"
                f" another port, e.g. PORT={other} python3 deploy/dev.py run"
            )
    return port


def run() -> None:
    port = free_port(os.environ.get("PORT", "8000"))
    install()
    env = _django_env("local")
    sh(PYTHON, "manage.py", "migrate", "--verbosity", "0", env=env)
    sh(PYTHON, "manage.py", "seed_demo", env=env)
    base = f"http://127.0.0.1:{port}"
    print(
        f"\n  Admin:  {base}/admin/  login admin@example.com / admin (superuser)\n"
        "          operator@example.com / operator: the back-office as an operator\n"
        f"  Board:  {base}/admin/bookings/booking/planning/  (also linked from the admin index)\n"
        f"  API:    {base}/api/v1/docs  login customer@example.com / customer"
        " (POST /api/v1/auth/token)\n"
        f"  Health: {base}/health\n",
        flush=True,
    )
    os.execve(PYTHON, [str(PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}"], env)


def test(extra: list[str]) -> None:
    install()
    env = _django_env("test")
    os.execve(PYTHON, [str(PYTHON), "-m", "pytest", *extra], env)


def stack() -> None:
    install()
    os.execve(PYTHON, [str(PYTHON), str(ROOT / "deploy" / "stack.py")], dict(os.environ))


def main() -> None:
    os.chdir(ROOT)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "install":  # used by .ci/run before the linters
        install()
    elif command == "run":
        run()
    elif command == "test":
        test(sys.argv[2:])
    elif command == "stack":
        stack()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
