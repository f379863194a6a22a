"""Production settings refuse to start without their backing services' addresses: a missing
DATABASE_URL or REDIS_URL must never silently become SQLite or local memory (SPEC §10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "booking.example.com",
    "DATABASE_URL": "postgres://booking@127.0.0.1:5432/booking",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
# Prints what production really runs on, without connecting to anything.
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])"
)


def _start(**env: str | None) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in COMPLETE}
    environ.update({key: value for key, value in {**COMPLETE, **env}.items() if value is not None})
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL"])
@pytest.mark.parametrize("value", [None, ""])
def test_production_refuses_to_start_without(variable: str, value: str | None) -> None:
    result = _start(**{variable: value})
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_production_runs_on_postgresql_and_redis_when_configured() -> None:
    result = _start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
    ]
