"""The suite may share its PostgreSQL server and Redis database with other checkouts and servers:
it names its own test database and clears only its own cache keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.cache import clear_test_cache


def _test_settings_database(**env: str) -> dict[str, object]:
    """config.settings.test's default database, as a fresh process with `env` reads it."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    database: dict[str, object] = json.loads(result.stdout)
    return database


def test_the_postgresql_test_database_is_named_from_the_environment() -> None:
    database = _test_settings_database(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/app", TEST_DATABASE_NAME="test_mine"
    )
    assert database["TEST"] == {"NAME": "test_mine"}


def test_sqlite_keeps_its_in_memory_test_database_whatever_the_environment_names() -> None:
    # Named, SQLite's test database would become a file in the checkout instead of memory.
    database = _test_settings_database(DATABASE_URL="sqlite://", TEST_DATABASE_NAME="test_mine")
    assert database.get("TEST", {}) in ({}, {"NAME": None})


@pytest.mark.redis
def test_clearing_keeps_the_keys_of_others_in_the_same_database() -> None:
    other = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    # What a development server run with this environment writes (the prefix base settings give
    # it), and a key some other program wrote.
    server_prefix = os.environ.get("CACHE_KEY_PREFIX", "carservice")
    neighbour_keys = [
        f"{server_prefix}:1:throttle-{uuid.uuid4().hex}",
        f"elsewhere-{uuid.uuid4().hex}",
    ]
    for key in neighbour_keys:
        other.set(key, "theirs", ex=60)
    cache.set("ours", "value", timeout=60)
    try:
        clear_test_cache()

        assert cache.get("ours") is None
        assert [other.get(key) for key in neighbour_keys] == [b"theirs", b"theirs"]
    finally:
        other.delete(*neighbour_keys)
        other.close()
