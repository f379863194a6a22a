"""`python3 deploy/dev.py run` refuses a port it cannot serve on before it installs or migrates
anything, with what to do, and exits non-zero."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parent.parent / "deploy" / "dev.py"


def _run(port: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PORT=port, DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, str(DEV), "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # bounded even if it went on to serve
        check=False,
    )


def test_a_port_in_use_is_refused_before_migrating(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))  # a spare loopback port
        listener.listen()
        port = listener.getsockname()[1]
        result = _run(str(port), database)
    assert result.returncode != 0
    assert f"127.0.0.1:{port}: the port is already in use" in result.stderr
    assert f"PORT={port + 1} python3 deploy/dev.py run" in result.stderr
    assert not database.exists()  # nothing migrated


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_port_that_is_not_a_port_number_is_refused(tmp_path: Path, port: str) -> None:
    database = tmp_path / "db.sqlite3"
    result = _run(port, database)
    assert result.returncode != 0
    assert f"PORT must be a number from 1 to 65535 (it is '{port}')" in result.stderr
    assert not database.exists()
