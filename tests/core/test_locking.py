from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import pytest
from django.db import OperationalError, connection, transaction

from core.locking import is_lock_timeout, lock_keys, set_lock_timeout, try_lock_key, try_lock_keys


@contextmanager
def key_held_by_another_transaction(key: int) -> Iterator[None]:
    """Another connection holds the advisory lock on `key` until the block ends."""
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                lock_keys("resource", [key])
                holding.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    try:
        yield
    finally:
        release.set()
        thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_held_key_makes_the_other_transaction_wait_then_time_out() -> None:
    def take_the_held_key() -> None:
        with transaction.atomic():
            set_lock_timeout(150)
            lock_keys("resource", [7])

    with key_held_by_another_transaction(7):
        started = time.monotonic()
        with pytest.raises(OperationalError) as excinfo:
            take_the_held_key()
        waited = time.monotonic() - started
    assert is_lock_timeout(excinfo.value)
    assert 0.1 <= waited < 2
    # Another key is free all along.
    with transaction.atomic():
        set_lock_timeout(150)
        lock_keys("resource", [8])


@pytest.mark.django_db(transaction=True)
def test_lock_keys_is_a_no_op_outside_postgresql_but_needs_a_transaction_there() -> None:
    if connection.vendor == "postgresql":
        with pytest.raises(RuntimeError):
            lock_keys("resource", [1])
    else:
        lock_keys("resource", [1])  # SQLite serialises write transactions itself


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_trying_a_held_key_answers_at_once_and_a_free_one_is_taken() -> None:
    with key_held_by_another_transaction(7), transaction.atomic():
        assert try_lock_key("resource", 7) is False  # no wait, no error
        assert try_lock_keys("resource", [7, 8, 9]) == [8, 9]
        assert try_lock_key("resource", 8) is True  # held already by this transaction
    with transaction.atomic():  # released with the holder's transaction
        assert try_lock_key("resource", 7) is True


@pytest.mark.django_db(transaction=True)
def test_try_lock_key_always_succeeds_outside_postgresql_but_needs_a_transaction_there() -> None:
    if connection.vendor == "postgresql":
        with pytest.raises(RuntimeError):
            try_lock_key("resource", 1)
    else:
        assert try_lock_key("resource", 1) is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_that_runs_out_in_a_locked_transaction_is_a_typed_lock_timeout() -> None:
    from core.errors import Conflict, LockTimeout
    from core.locking import locked_transaction

    class Code(StrEnum):
        BAY_BUSY = "bay_busy"

    def busy() -> LockTimeout:
        return LockTimeout("The bay is busy.", code=Code.BAY_BUSY)

    with key_held_by_another_transaction(9):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as excinfo, locked_transaction(busy, milliseconds=150):
            lock_keys("resource", [9])
        waited = time.monotonic() - started
    assert isinstance(excinfo.value, Conflict)
    assert (excinfo.value.status, excinfo.value.code) == (409, "bay_busy")
    assert 0.1 <= waited < 2


def test_the_api_answers_a_lock_timeout_409_with_retry_after() -> None:
    from core.api.exceptions import exception_handler
    from core.errors import LockTimeout

    response = exception_handler(LockTimeout(), {})
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.data["error"]["code"] == "busy"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sessions_start_with_the_lock_timeout_a_locked_transaction_spends_no_statement_on() -> None:
    from django.conf import settings
    from django.test.utils import CaptureQueriesContext

    from core.locking import locked_transaction, session_lock_timeout_ms

    def work(captured: CaptureQueriesContext) -> list[str]:
        control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
        return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]

    def lock_timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return str(cursor.fetchone()[0])

    assert session_lock_timeout_ms() == settings.DATABASE_LOCK_TIMEOUT_MS == 2000
    assert lock_timeout() == "2s"
    with CaptureQueriesContext(connection) as captured, locked_transaction():
        lock_keys("resource", [3])
    assert len(work(captured)) == 1
    assert "pg_advisory_xact_lock" in work(captured)[0]
    # Another bound than the session's is still set, for that transaction only.
    with CaptureQueriesContext(connection) as captured, locked_transaction(milliseconds=150):
        assert lock_timeout() == "150ms"
    assert "set_config" in work(captured)[0]
    assert lock_timeout() == "2s"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_outside_a_locked_transaction_is_bounded_too_and_the_api_answers_409() -> None:
    from core.api.exceptions import exception_handler

    with key_held_by_another_transaction(11):
        started = time.monotonic()
        with pytest.raises(OperationalError) as excinfo, transaction.atomic():
            lock_keys("resource", [11])
        waited = time.monotonic() - started
    assert is_lock_timeout(excinfo.value)
    assert 1.5 <= waited < 4  # the session's 2 s, not forever
    response = exception_handler(excinfo.value, {})
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.data["error"]["code"] == "busy"
