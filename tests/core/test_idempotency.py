from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from core.idempotency import idempotency_purge
from core.models import IdempotencyKey
from tests.concurrency import race
from tests.core import idempotency_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.idempotency_urls")]
URL = "/api/v1/things"


@pytest.fixture(autouse=True)
def _reset_executions():
    idempotency_urls.EXECUTIONS.clear()


def _post(client, body, key="key-1"):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_replays_the_first_response_without_running_again(make_user, client_for) -> None:
    client = client_for(make_user())
    first = _post(client, {"name": "a"})
    second = _post(client, {"name": "a"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_same_key_with_another_body_is_422(make_user, client_for) -> None:
    client = client_for(make_user())
    _post(client, {"name": "a"})
    response = _post(client, {"name": "b"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_keys_are_scoped_per_user(make_user, client_for) -> None:
    first = _post(client_for(make_user()), {"name": "a"})
    second = _post(client_for(make_user()), {"name": "a"})
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] != second.json()["number"]
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_a_refusal_is_replayed_too(make_user, client_for) -> None:
    client = client_for(make_user())
    first = _post(client, {"conflict": True})
    second = _post(client, {"conflict": True})
    assert first.status_code == second.status_code == 409
    assert second.json()["error"]["code"] == "slot_unavailable"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_a_server_error_frees_the_key_for_a_retry(make_user, client_for) -> None:
    client = client_for(make_user())
    assert _post(client, {"crash": True}).status_code == 500
    assert not IdempotencyKey.objects.exists()
    assert _post(client, {"crash": True}).status_code == 500
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_without_the_header_every_request_runs(make_user, client_for) -> None:
    client = client_for(make_user())
    client.post(URL, {"name": "a"}, format="json")
    client.post(URL, {"name": "a"}, format="json")
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_bad_key_is_400(make_user, client_for) -> None:
    response = _post(client_for(make_user()), {"name": "a"}, key="has space")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]


def test_keys_expire_after_24_hours(make_user, client_for) -> None:
    client = client_for(make_user())
    _post(client, {"name": "a"})
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    # An expired key is forgotten: the same key runs again, even with another body.
    assert _post(client, {"name": "b"}).status_code == 201
    assert len(idempotency_urls.EXECUTIONS) == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge() == 1
    assert not IdempotencyKey.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_is_409_while_the_first_runs(make_user, client_for) -> None:
    user = make_user()
    clients = [client_for(user), client_for(user)]  # one per thread: a test client is not shared

    def attempt(client) -> Callable[[], int]:
        return lambda: _post(client, {"name": "a", "slow": True}).status_code

    assert sorted(race(*(attempt(c) for c in clients))) == [201, 409]
    assert len(idempotency_urls.EXECUTIONS) == 1
