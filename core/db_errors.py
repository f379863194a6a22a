"""Which database errors are an outage to wait out (503 with Retry-After, a task retried later)
and which are a crash to fix (500): only a lost or refused connection is an outage."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, connections

# PostgreSQL's SQLSTATEs for "the connection is gone": class 08 (connection exception), and the
# server shutting down or starting (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
# cannot_connect_now).
_CONNECTION_CLASS = "08"
_SHUTDOWN_STATES = frozenset({"57P01", "57P02", "57P03"})


def database_unavailable(exc: BaseException | None) -> bool:
    """The error is (or was caused by: `__cause__`, as Django wraps the driver's errors) the
    database refusing or dropping us: a connection SQLSTATE, or a connection Django could not
    open or lost with it. Not a statement timeout, a deadlock, a missing table ("no such table"
    on a first run without migrate), nor any error raised while handling one (`__context__`)."""
    chain: list[BaseException] = []
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__
    if not any(isinstance(each, OperationalError | InterfaceError) for each in chain):
        return False
    driver = [each for each in chain if hasattr(each, "sqlstate")]  # psycopg's errors
    states = [getattr(each, "sqlstate", None) for each in driver]
    if any(isinstance(state, str) and state.startswith(_CONNECTION_CLASS) for state in states):
        return True
    if any(state in _SHUTDOWN_STATES for state in states):
        return True
    if not driver or any(isinstance(state, str) for state in states):
        # the server answered with another error (the connection is fine), or no PostgreSQL
        # driver error at all (SQLite: "no such table", "database is locked")
        return False
    # libpq's own errors (refused, timed out, "server closed the connection") have no SQLSTATE
    return _a_connection_is_lost()


def _a_connection_is_lost() -> bool:
    """A connection Django opened and lost (the driver says broken or closed), or could not open
    (still none after the error: connecting refused or timed out)."""
    for wrapper in connections.all(initialized_only=True):
        raw = wrapper.connection
        if raw is None:
            return True
        if getattr(raw, "broken", False) or getattr(raw, "closed", False) is True:
            return True
    return False
