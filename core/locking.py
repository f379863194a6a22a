"""Short transaction-scoped locks for contended things that have no row of their own to lock
(e.g. "resource 12's calendar"). PostgreSQL: advisory transaction locks, taken in a fixed order,
under a short lock_timeout. SQLite: nothing to do, because every write transaction there is
IMMEDIATE and so already serialised (ADR 0002)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import Func, TextField, Value

from core.errors import LockTimeout

DEFAULT_LOCK_TIMEOUT_MS = 2000


def _namespace(name: str) -> int:
    # pg_advisory_xact_lock(int4, int4): a stable 31-bit id for the namespace name.
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def set_lock_timeout(milliseconds: int = DEFAULT_LOCK_TIMEOUT_MS) -> None:
    """Bounds every lock wait of the current transaction (row locks included)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])


_SESSION_LOCK_TIMEOUT = re.compile(r"-c\s*lock_timeout=(\d+)(?:ms)?\b")


def session_lock_timeout_ms() -> int | None:
    """The lock timeout every session of the connection starts with (settings:
    DATABASE_LOCK_TIMEOUT_MS, sent as `-c lock_timeout=N` in the connection's options); None
    when it is not configured (or 0: no limit)."""
    options = connection.settings_dict.get("OPTIONS", {}).get("options") or ""
    found = _SESSION_LOCK_TIMEOUT.search(str(options))
    milliseconds = int(found.group(1)) if found else 0
    return milliseconds or None


@contextmanager
def locked_transaction(
    busy: Callable[[], LockTimeout] = LockTimeout, *, milliseconds: int | None = None
) -> Iterator[None]:
    """The one way to wait for locks: a transaction whose every lock wait (row locks, advisory
    locks) is bounded by the lock timeout (`milliseconds`, else the session's default, else
    DEFAULT_LOCK_TIMEOUT_MS); a wait that runs out, or a deadlock the database broke, is
    `busy()` (a LockTimeout: 409 with Retry-After), raised after the rollback. The session's
    default costs no statement: only another bound is set, for this transaction."""
    wanted = milliseconds or session_lock_timeout_ms() or DEFAULT_LOCK_TIMEOUT_MS
    try:
        with transaction.atomic():
            if wanted != session_lock_timeout_ms():
                set_lock_timeout(wanted)
            yield
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise busy() from exc
        raise


def lock_keys(namespace: str, keys: Iterable[int]) -> None:
    """Takes the locks for `keys` in ascending order; released when the transaction ends.
    Must be called inside a transaction."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_keys() needs a transaction")
    space = _namespace(namespace)
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [space, int(key)])


def lock_key_expression(namespace: str, key: int) -> Func | None:
    """`pg_advisory_xact_lock(namespace, key)` as an expression, for a use case whose first lock
    is an advisory key and whose next one a row: annotated on the row's `select_for_update()`
    read, PostgreSQL takes the key while scanning, before it locks the row (the key first, as
    `lock_keys` then the read would), in one statement instead of two. None outside
    PostgreSQL (SQLite serialises write transactions itself)."""
    if connection.vendor != "postgresql":
        return None
    if not connection.in_atomic_block:
        raise RuntimeError("lock_key_expression() needs a transaction")
    return Func(
        Value(_namespace(namespace)),
        Value(int(key)),
        function="pg_advisory_xact_lock",
        output_field=TextField(),  # void: read as text, never used
    )


def try_lock_key(namespace: str, key: int) -> bool:
    """Takes the lock for `key` if nobody holds it, without waiting; True when taken (then held
    until the transaction ends). SQLite: always True (its write transactions are serialised).
    Must be called inside a transaction."""
    if connection.vendor != "postgresql":
        return True
    if not connection.in_atomic_block:
        raise RuntimeError("try_lock_key() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [_namespace(namespace), int(key)]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def try_lock_keys(namespace: str, keys: Iterable[int]) -> list[int]:
    """Tries each key in the given order without waiting; returns the keys taken."""
    return [key for key in keys if try_lock_key(namespace, key)]


def is_lock_timeout(exc: BaseException) -> bool:
    """A lock wait that ran out (55P03) or a deadlock the database broke (40P01)."""
    return _sqlstate(exc) in {"55P03", "40P01"}


def is_exclusion_violation(exc: BaseException) -> bool:
    return _sqlstate(exc) == "23P01"


def is_unique_violation(exc: BaseException) -> bool:
    return _sqlstate(exc) == "23505"


def constraint_name(exc: BaseException) -> str:
    """The constraint a PostgreSQL error names ("" when none, or on SQLite)."""
    diag = getattr(exc.__cause__ or exc, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
