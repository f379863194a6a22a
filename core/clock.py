"""The one place that reads the wall clock, so that rules can take `now` as a parameter and tests
can pin it."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def resolve_now(now: datetime | None) -> datetime:
    """`now` as given (it must be aware), or the current UTC time."""
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now
