#!/usr/bin/env python3
"""The two set-up commands of the README, with nothing but Python 3.11 on the machine.

    python3 deploy/dev.py run    install, migrate, load demo data, serve on http://127.0.0.1:8000
    python3 deploy/dev.py test   install and run the whole test suite (extra args go to pytest)

Installs into ./.venv from the committed uv.lock (uv itself comes from PyPI into that venv).
DATABASE_URL / REDIS_URL are honoured; without them: SQLite and local-memory cache."""

from __future__ import annotations

import os
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


def run() -> None:
    install()
    env = _django_env("local")
    sh(PYTHON, "manage.py", "migrate", "--verbosity", "0", env=env)
    sh(PYTHON, "manage.py", "seed_demo", env=env)
    port = os.environ.get("PORT", "8000")
    print(
        f"\n  App:    http://127.0.0.1:{port}/   (API: /api/v1/docs, health: /health)\n"
        f"  Admin:  http://127.0.0.1:{port}/admin/  login admin@example.com / admin\n"
        "          (operator@example.com / operator sees the back-office as an operator)\n",
        flush=True,
    )
    os.execve(PYTHON, [str(PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}"], env)


def test(extra: list[str]) -> None:
    install()
    env = _django_env("test")
    os.execve(PYTHON, [str(PYTHON), "-m", "pytest", *extra], env)


def main() -> None:
    os.chdir(ROOT)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "install":  # used by .ci/run before the linters
        install()
    elif command == "run":
        run()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
