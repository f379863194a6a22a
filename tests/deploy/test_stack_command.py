"""The stack command refuses a bad STACK_APP_SERVERS at once, before it starts anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", ["0", "two", "-1", "²"])
def test_a_bad_number_of_app_servers_is_refused_with_a_message(value: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "stack.py")],
        env={**os.environ, "STACK_APP_SERVERS": value},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "STACK_APP_SERVERS must be a whole number of at least 1" in done.stderr
    assert "Traceback" not in done.stderr
