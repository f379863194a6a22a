"""No account enumeration (docs/rules/accounts.md, "No enumeration"): registering a taken address
answers as a new one and e-mails its owner; login errors never say which field was wrong; both
paths of each do the same work (one password hash), and take comparable time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.cache import clear_test_cache

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
RESET = "/api/v1/auth/password-reset"


def _without_request_id(response: Any) -> Any:
    body = response.json()
    if "error" in body:
        body["error"].pop("request_id", None)
    return body


def test_registering_a_taken_address_answers_as_a_new_one_and_tells_its_owner(
    api_client: APIClient, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.PASSWORD_RESET_URL = "https://app.example.com/reset"
    owner = UserFactory.create(email="ann@example.com", first_name="Ann", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        taken = api_client.post(REGISTER, {"email": "ANN@example.com", "password": "Other-pass-81"})
        new = api_client.post(REGISTER, {"email": "bea@example.com", "password": "Other-pass-81"})
    assert taken.status_code == new.status_code == 202
    assert taken.json() == new.json()
    assert taken.headers.keys() - {"X-Request-ID"} == new.headers.keys() - {"X-Request-ID"}

    assert User.objects.filter(email="ann@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # nothing about the account changed
    to_owner, to_new = mail.outbox
    assert to_owner.to == ["ann@example.com"]
    assert to_owner.subject == "Quelqu’un a tenté de s’inscrire avec votre adresse e-mail"
    assert "https://app.example.com/reset" in to_owner.body
    assert "token=" not in to_owner.body  # a link to ask for a reset, not a reset
    assert to_new.to == ["bea@example.com"]
    assert to_new.subject == "Confirm your e-mail address"


def test_a_bad_registration_is_refused_the_same_way_whatever_the_address(
    api_client: APIClient,
) -> None:
    UserFactory.create(email="ann@example.com")
    taken = api_client.post(REGISTER, {"email": "ann@example.com", "password": "12345678"})
    new = api_client.post(REGISTER, {"email": "bea@example.com", "password": "12345678"})
    assert taken.status_code == new.status_code == 400
    assert _without_request_id(taken) == _without_request_id(new)
    assert "email" not in taken.json()["error"]["details"]


def test_login_errors_never_say_which_field_was_wrong(api_client: APIClient) -> None:
    UserFactory.create(email="dan@example.com")
    UserFactory.create(email="gone@example.com", is_active=False)
    answers = [
        api_client.post(TOKEN, {"email": email, "password": password})
        for email, password in (
            ("dan@example.com", "wrong-password-1"),
            ("nobody@example.com", "wrong-password-1"),
            ("nobody@example.com", PASSWORD),
            ("gone@example.com", PASSWORD),
        )
    ]
    assert {a.status_code for a in answers} == {401}
    bodies = [_without_request_id(a) for a in answers]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["error"]["code"] == "invalid_credentials"


class LightArgon2(Argon2PasswordHasher):
    """Production's algorithm with a lighter cost: a hash still dominates each request (as in
    production, where it is heavier still) without making the test slow."""

    time_cost = 1
    memory_cost = 16384
    parallelism = 1


@pytest.fixture
def argon2(settings: Any) -> Iterator[dict[str, int]]:
    """An Argon2 hasher, counting its work (encode and verify cost the same)."""
    settings.PASSWORD_HASHERS = [f"{__name__}.LightArgon2"]
    calls = {"hashes": 0}
    encode, verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def counted_encode(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["hashes"] += 1
        return encode(self, *args, **kwargs)

    def counted_verify(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["hashes"] += 1
        return verify(self, *args, **kwargs)

    Argon2PasswordHasher.encode = counted_encode  # type: ignore[method-assign]
    Argon2PasswordHasher.verify = counted_verify  # type: ignore[method-assign]
    yield calls
    Argon2PasswordHasher.encode = encode  # type: ignore[method-assign]
    Argon2PasswordHasher.verify = verify  # type: ignore[method-assign]


def _hashes(calls: dict[str, int], request: Callable[[], Any]) -> int:
    before = calls["hashes"]
    request()
    return calls["hashes"] - before


def test_each_path_hashes_a_password_exactly_once(
    api_client: APIClient, argon2: dict[str, int]
) -> None:
    """The constant work that matters: the password hash (tens of milliseconds by design) runs
    once on every path, so a taken address or an unknown one costs what the other does."""
    UserFactory.create(email="dan@example.com")  # hashed with Argon2 now

    def register(email: str) -> Callable[[], Any]:
        return lambda: api_client.post(REGISTER, {"email": email, "password": "Other-pass-81"})

    def login(email: str) -> Callable[[], Any]:
        return lambda: api_client.post(TOKEN, {"email": email, "password": "wrong-password-1"})

    def reset(email: str) -> Callable[[], Any]:
        return lambda: api_client.post(RESET, {"email": email})

    assert _hashes(argon2, register("dan@example.com")) == 1
    assert _hashes(argon2, register("new@example.com")) == 1
    assert _hashes(argon2, login("dan@example.com")) == 1
    assert _hashes(argon2, login("nobody@example.com")) == 1
    assert _hashes(argon2, reset("dan@example.com")) == _hashes(argon2, reset("x@example.com"))


def _ms(request: Callable[[], Any], status: int) -> float:
    clear_test_cache()  # the login limits would answer 429 before any work
    start = time.perf_counter()
    response = request()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == status, response.content
    return elapsed


def test_taken_and_free_addresses_take_comparable_time(
    api_client: APIClient, argon2: dict[str, int]
) -> None:
    """Medians over repeated calls, the two paths interleaved in one run; bounds generous enough
    for a busy shared machine (the paths differ by a few INSERTs beside one Argon2 hash)."""
    UserFactory.create(email="dan@example.com")

    def post(path: str, body: dict[str, str]) -> Callable[[], Any]:
        return lambda: api_client.post(path, body)

    runs: dict[str, list[float]] = {"taken": [], "new": [], "wrong": [], "unknown": []}
    for n in range(5):
        taken = {"email": "dan@example.com", "password": "P-a-s-s-81"}
        new = {"email": f"n{n}@example.com", "password": "P-a-s-s-81"}
        wrong = {"email": "dan@example.com", "password": "nope-nope-1"}
        unknown = {"email": "zed@example.com", "password": "nope-nope-1"}
        runs["taken"].append(_ms(post(REGISTER, taken), 202))
        runs["new"].append(_ms(post(REGISTER, new), 202))
        runs["wrong"].append(_ms(post(TOKEN, wrong), 401))
        runs["unknown"].append(_ms(post(TOKEN, unknown), 401))
    medians = {path: statistics.median(times) for path, times in runs.items()}
    assert 1 / 3 < medians["taken"] / medians["new"] < 3, medians
    assert 1 / 3 < medians["wrong"] / medians["unknown"] < 3, medians
