"""Redis dies under a running API (SPEC §7, §10): the cache is an optimisation, so the API keeps
serving. Logins and bookings work, the catalogue comes from the database, throttles count per
process (and say so in the log at most once a minute), and only /ready says 503.

The test starts its own redis-server (Debian's package) on a spare loopback port, points the
cache at it, and kills it half-way: no shared Redis database is touched."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.test import Client, override_settings

from bookings.models import Booking
from core import cache as fallback
from tests.accounts.factories import PASSWORD, OperatorFactory
from tests.bookings.factories import at, make_world
from tests.worker.stack import RedisServer

pytestmark = pytest.mark.django_db
_T = TypeVar("_T")

TOKEN = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    """No local counts, no outage remembered, no warning given yet; and none left for the tests
    that run next (they would count in memory for a few seconds)."""
    fallback.forget_outage()
    yield
    fallback.forget_outage()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A throwaway redis-server on 127.0.0.1, no persistence; stopped whatever happens."""
    with RedisServer() as server:
        yield server


def _cache_at(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


@pytest.fixture
def world(clock: Any) -> Any:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _booking(world: Any, hour: int) -> dict[str, str]:
    return {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, hour).isoformat(),
    }


@pytest.mark.redis
def test_the_api_keeps_serving_when_redis_dies(
    own_redis: Any, world: Any, api_client: Any, client_for: Any, caplog: Any
) -> None:
    login = {"email": world.customer.email, "password": PASSWORD}
    operator = OperatorFactory.create()
    with override_settings(CACHES=_cache_at(own_redis.port)):
        assert api_client.get("/ready").status_code == 200
        assert api_client.post(TOKEN, login, format="json").status_code == 200
        catalogue = api_client.get("/api/v1/services")
        assert catalogue.status_code == 200
        customer = client_for(world.customer)
        assert (
            customer.post("/api/v1/bookings", _booking(world, 10), format="json").status_code == 201
        )

        own_redis.stop()
        caplog.set_level(logging.WARNING)

        ready = api_client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["cache"] == "unavailable"

        # Logging in still works, and a wrong password is still a 401, not a 500.
        assert api_client.post(TOKEN, login, format="json").status_code == 200
        wrong = api_client.post(TOKEN, {**login, "password": "nope"}, format="json")
        assert wrong.status_code == 401
        # A staff member's wrong password at the admin is counted (per process), not a 500.
        staff = Client()
        refused = staff.post("/admin/login/", {"username": operator.email, "password": "no"})
        assert refused.status_code == 200
        assert not refused.wsgi_request.user.is_authenticated
        # The catalogue, from the database.
        again = api_client.get("/api/v1/services")
        assert again.status_code == 200
        assert again.json() == catalogue.json()
        # Bookings still work.
        made = customer.post("/api/v1/bookings", _booking(world, 14), format="json")
        assert made.status_code == 201, made.content
        assert Booking.objects.count() == 2

        # The login limit (10 a minute per address) still holds, counted in this process.
        answers = [
            api_client.post(TOKEN, {**login, "password": "nope"}, format="json")
            for _attempt in range(9)
        ]
        assert [a.status_code for a in answers] == [401] * 8 + [429]
        throttled = answers[-1].json()["error"]
        assert throttled["code"] == "throttled"
        assert int(answers[-1]["Retry-After"]) > 0

    # One warning for the whole outage, whoever met it (throttles, staff lockout, catalogue).
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    outage_warnings = [r for r in warnings if r.name == "core.cache"]
    assert len(outage_warnings) == 1, [r.getMessage() for r in outage_warnings]
    assert "per process" in outage_warnings[0].getMessage()
    # ... and no warning of its own, traceback and all, from the catalogue's every request.
    assert [r.getMessage() for r in warnings if r.name.startswith("pricing") or r.exc_info] == []


def test_the_outage_warning_is_repeated_at_most_once_a_minute(
    monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    moments = iter([1000.0, 1030.0, 1059.0, 1061.0, 1090.0, 1122.0])
    monkeypatch.setattr(fallback, "_monotonic", lambda: next(moments))
    caplog.set_level(logging.WARNING, logger="core.cache")
    for _call in range(6):
        fallback.warn_outage(ConnectionError("refused"))
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 3  # at 1000, 1061 and 1122


def test_every_throttle_counts_through_the_fallback() -> None:
    """A throttle class added later must not bring the 500 back: it counts through the fallback."""
    from django.urls import get_resolver
    from rest_framework.throttling import SimpleRateThrottle

    assert get_resolver().url_patterns  # every view module, and so every throttle, imported

    def subclasses(cls: type[_T]) -> list[type[_T]]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))]

    ours = [
        cls
        for cls in subclasses(SimpleRateThrottle)
        if cls.__module__.split(".")[0]
        in {"core", "accounts", "vehicles", "pricing", "scheduling", "bookings"}
    ]
    assert ours, "no throttle class found"
    assert [cls for cls in ours if cls.cache is not fallback.counting_cache] == []
