from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from core.locking import is_lock_timeout, lock_keys, set_lock_timeout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_held_key_makes_the_other_transaction_wait_then_time_out() -> None:
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                lock_keys("resource", [7])
                holding.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    started = time.monotonic()

    def take_the_held_key() -> None:
        with transaction.atomic():
            set_lock_timeout(150)
            lock_keys("resource", [7])

    with pytest.raises(OperationalError) as excinfo:
        take_the_held_key()
    waited = time.monotonic() - started
    release.set()
    thread.join()
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
