"""A refresh token is usable exactly once, even when many requests race with it."""

from __future__ import annotations

from functools import partial

import pytest
from rest_framework.test import APIClient

from accounts import services
from tests.accounts.factories import UserFactory
from tests.concurrency import outcomes, race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_refreshes_yield_exactly_one_success() -> None:
    user = UserFactory.create()
    refresh = services.token_obtain(email=user.email, password="correct-horse-battery-42").refresh
    results = race(*([partial(services.token_refresh, refresh=refresh)] * 10))
    assert outcomes(results) == ["ok"] + ["token_not_valid"] * 9


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_api_refreshes_yield_exactly_one_200() -> None:
    user = UserFactory.create()
    refresh = services.token_obtain(email=user.email, password="correct-horse-battery-42").refresh

    def attempt() -> int:
        client = APIClient()  # one per thread: a test client is not shared
        return client.post("/api/v1/auth/token/refresh", {"refresh": refresh}).status_code

    assert sorted(race(*([attempt] * 10))) == [200] + [401] * 9
