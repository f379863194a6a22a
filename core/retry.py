"""Retry delays: exponential backoff with jitter (plain Python; `rand` is a parameter so that
tests can pin it)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


def backoff_seconds(
    attempt: int,
    *,
    base: float,
    cap: float,
    rand: Callable[[], float] = random.random,
) -> float:
    """The wait after failed attempt number `attempt` (1 for the first): base x 2^(attempt-1),
    capped, then "equal jitter" (between half and all of it), so that a crowd of e-mails that
    failed together do not all come back in the same second."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    delay = min(cap, base * (1 << min(attempt - 1, 60)))
    return delay / 2 + rand() * delay / 2


def scheduled_seconds(
    attempt: int,
    schedule: Sequence[float],
    *,
    jitter: float = 0.1,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """The wait after failed attempt number `attempt` on a published schedule (its n-th entry is
    the wait after the n-th failure), +/- `jitter` of it; None once the schedule is spent."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if attempt > len(schedule):
        return None
    delay = schedule[attempt - 1]
    return max(0.0, delay * (1 + jitter * (2 * rand() - 1)))
