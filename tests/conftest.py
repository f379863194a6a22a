from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.cache import clear_test_cache


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    on_postgres = "postgresql" in engine
    has_redis = bool(os.environ.get("REDIS_URL"))
    has_browser = shutil.which("chromium") is not None or bool(os.environ.get("REQUIRE_BROWSER"))
    from deploy.nginx_check import nginx_binary

    has_nginx = nginx_binary() is not None or bool(os.environ.get("REQUIRE_NGINX"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)"
                )
            )
        if "browser" in item.keywords and not has_browser:
            item.add_marker(
                pytest.mark.skip(reason="needs Chromium: apt-get install chromium (CI does)")
            )
        if "nginx" in item.keywords and not has_nginx:
            item.add_marker(pytest.mark.skip(reason="needs nginx: apt-get install nginx (CI does)"))
        if "worker" in item.keywords and not (has_redis and on_postgres):
            item.add_marker(
                pytest.mark.skip(
                    reason="needs a broker and a shared database for the worker process: run"
                    " with REDIS_URL=redis://... and DATABASE_URL=postgres://... (CI does)"
                )
            )
        if "redis" in item.keywords and not has_redis:
            item.add_marker(
                pytest.mark.skip(reason="needs Redis: run with REDIS_URL=redis://... (CI does)")
            )


@pytest.fixture(autouse=True)
def _ports_restored() -> Iterator[None]:
    """A test that plugs its own port implementation (playing the providing app) never leaks it
    into the next test: every declared port answers as the apps wired it again afterwards."""
    from contextlib import ExitStack

    from core.checks import declared_ports

    with ExitStack() as stack:
        for port in declared_ports():
            stack.enter_context(port.restoring())
        yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counters and cached catalogue pages must not leak between tests."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def _make(**kwargs: Any) -> User:
        return UserFactory.create(**kwargs)

    return _make


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client authenticated as `user` with a real access token."""
    from accounts import services

    def _client(user: User) -> APIClient:
        pair = services._pair_for(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
        return client

    return _client


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class FakeClock:
    """Pins what core.clock reads as "now" (every service and selector asks it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        import core.clock

        self._monkeypatch.setattr(core.clock, "utcnow", lambda: moment)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return FakeClock(monkeypatch)


# The role groups and their permissions come from data migrations. A transactional test flushes
# every table when it ends (pytest-django runs those tests last), so a later transactional test
# that needs the groups puts them back from this snapshot, taken once the test database exists.
_ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            _ROLE_PERMISSIONS[group.name] = [
                (permission.content_type.app_label, permission.codename)
                for permission in group.permissions.all()
            ]


@pytest.fixture
def role_groups(transactional_db: None) -> None:
    """The role groups with the permissions the migrations gave them, whatever ran before."""
    from django.contrib.auth.models import Group, Permission

    assert _ROLE_PERMISSIONS, "the role groups were not found after migrating"
    for name, wanted in _ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group.permissions.set(permissions)
