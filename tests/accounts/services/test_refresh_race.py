"""A refresh token is usable exactly once, even when many requests race with it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts import services
from core.errors import Unauthenticated
from tests.accounts.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_refreshes_yield_exactly_one_success() -> None:
    user = UserFactory()
    refresh = services.token_obtain(email=user.email, password="correct-horse-battery-42").refresh
    barrier = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            services.token_refresh(refresh=refresh)
            result = "ok"
        except Unauthenticated:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 9


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_api_refreshes_yield_exactly_one_200() -> None:
    from rest_framework.test import APIClient

    user = UserFactory()
    refresh = services.token_obtain(email=user.email, password="correct-horse-battery-42").refresh
    barrier = threading.Barrier(10)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            status = (
                APIClient()
                .post("/api/v1/auth/token/refresh", {"refresh": refresh}, format="json")
                .status_code
            )
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [401] * 9
