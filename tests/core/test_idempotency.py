from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.idempotency import idempotency_purge
from core.models import IdempotencyKey
from tests.concurrency import race
from tests.core import idempotency_urls

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.idempotency_urls")]
URL = "/api/v1/things"


@pytest.fixture(autouse=True)
def _reset_executions() -> None:
    idempotency_urls.EXECUTIONS.clear()
    idempotency_urls.SEEN_BY_SIDE_EFFECTS.clear()


def _post(client: APIClient, body: dict[str, Any], key: str = "key-1") -> _MonkeyPatchedResponse:
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_replays_the_first_response_without_running_again(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    first = _post(client, {"name": "a"})
    second = _post(client, {"name": "a"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_same_key_with_another_body_is_422(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    _post(client, {"name": "a"})
    response = _post(client, {"name": "b"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_keys_are_scoped_per_user(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    first = _post(client_for(make_user()), {"name": "a"})
    second = _post(client_for(make_user()), {"name": "a"})
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] != second.json()["number"]
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_a_refusal_is_replayed_too(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    first = _post(client, {"conflict": True})
    second = _post(client, {"conflict": True})
    assert first.status_code == second.status_code == 409
    assert second.json()["error"]["code"] == "slot_unavailable"
    assert len(idempotency_urls.EXECUTIONS) == 1


def test_a_server_error_frees_the_key_for_a_retry(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    assert _post(client, {"crash": True}).status_code == 500
    assert not IdempotencyKey.objects.exists()
    assert _post(client, {"crash": True}).status_code == 500
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_without_the_header_every_request_runs(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    client.post(URL, {"name": "a"}, format="json")
    client.post(URL, {"name": "a"}, format="json")
    assert len(idempotency_urls.EXECUTIONS) == 2


def test_bad_key_is_400(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    response = _post(client_for(make_user()), {"name": "a"}, key="has space")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]


def test_keys_expire_after_24_hours(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    _post(client, {"name": "a"})
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    # An expired key is forgotten: the same key runs again, even with another body.
    assert _post(client, {"name": "b"}).status_code == 201
    assert len(idempotency_urls.EXECUTIONS) == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge() == 1
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)  # real commits: after-commit side effects run
def test_the_key_is_completed_before_any_side_effect_runs(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    """An after-commit side effect (an e-mail) that dies with its worker can no longer leave the
    key in flight: the response was recorded in the request's transaction, before the commit."""
    client = client_for(make_user())
    assert _post(client, {"side_effect": "runs"}).status_code == 201
    assert idempotency_urls.SEEN_BY_SIDE_EFFECTS == [("done", 201)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_side_effect_keeps_the_committed_answer(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    first = _post(client, {"side_effect": "fails"})
    assert first.status_code == 201
    retry = _post(client, {"side_effect": "fails"})
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry["Idempotent-Replayed"] == "true"
    assert len(idempotency_urls.EXECUTIONS) == 1


@pytest.mark.django_db(transaction=True)
def test_a_server_error_rolls_back_what_the_request_wrote(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(make_user())
    response = client.post(
        "/api/v1/things", {"writes_then_crashes": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-9"
    )
    assert response.status_code == 500
    assert not IdempotencyKey.objects.exists()
    assert not idempotency_urls.WRITTEN.objects.filter(email="written@example.com").exists()


@pytest.mark.parametrize(("age", "status"), [(61, 201), (59, 409)])
def test_an_in_flight_key_older_than_the_lease_is_taken_over(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient], age: int, status: int
) -> None:
    """The request that claimed it died without an answer (its worker was killed): nothing of it
    was committed, so after the lease (60 s, longer than gunicorn's 30 s timeout) a retry runs."""
    user = make_user()
    client = client_for(user)
    body = {"name": "a"}
    _post(client, body)
    IdempotencyKey.objects.update(
        status=IdempotencyKey.Status.IN_FLIGHT,
        response_status=None,
        response_body=None,
        created_at=timezone.now() - timedelta(seconds=age),
    )
    response = _post(client, body)
    assert response.status_code == status
    if status == 409:
        assert response.json()["error"]["code"] == "idempotency_in_flight"
    else:
        assert IdempotencyKey.objects.get().status == IdempotencyKey.Status.DONE
    assert len(idempotency_urls.EXECUTIONS) == (2 if status == 201 else 1)


def test_a_request_whose_key_was_taken_over_does_not_commit(make_user: Callable[..., User]) -> None:
    """The rare first request that outlives its lease: the retry has taken the key over, so the
    first one's completion finds the claim gone and its work is rolled back, not done twice."""
    from core import idempotency

    user = make_user()
    claim = idempotency.idempotency_claim(user_id=user.pk, key="slow-1", fingerprint="f")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    retry = idempotency.idempotency_claim(user_id=user.pk, key="slow-1", fingerprint="f")
    assert not retry.is_replay
    with pytest.raises(idempotency.ClaimLost) as lost:
        idempotency.idempotency_complete(claim=claim, status=201, body={})
    assert lost.value.status == 409
    idempotency.idempotency_complete(claim=retry, status=201, body={"n": 2})
    assert IdempotencyKey.objects.get().response_body == {"n": 2}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_is_409_while_the_first_runs(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user()
    clients = [client_for(user), client_for(user)]  # one per thread: a test client is not shared

    def attempt(client: APIClient) -> Callable[[], int]:
        return lambda: _post(client, {"name": "a", "slow": True}).status_code

    assert sorted(race(*(attempt(c) for c in clients))) == [201, 409]
    assert len(idempotency_urls.EXECUTIONS) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_retries_taking_over_a_stale_key_one_runs(
    make_user: Callable[..., User], client_for: Callable[[User], APIClient]
) -> None:
    user = make_user()
    _post(client_for(user), {"name": "a", "slow": True})
    IdempotencyKey.objects.update(
        status=IdempotencyKey.Status.IN_FLIGHT,
        response_status=None,
        response_body=None,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    clients = [client_for(user), client_for(user)]

    def attempt(client: APIClient) -> Callable[[], int]:
        return lambda: _post(client, {"name": "a", "slow": True}).status_code

    assert sorted(race(*(attempt(c) for c in clients))) == [201, 409]
    assert len(idempotency_urls.EXECUTIONS) == 2  # the first run, then one of the two retries
