"""When failed sign-ins lock a staff account or an address out (docs/rules/security.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Lockout:
    """`limit` failures within `seconds` lock sign-in for `seconds` from the failure that reached
    the limit; the count then starts again from zero."""

    limit: int
    seconds: int

    def locks(self, failures: int) -> bool:
        return failures >= self.limit


def seconds_left(unlock_at: float | None, *, now: float) -> int:
    """Whole seconds until `unlock_at` (a POSIX time), 0 when it has passed or there is none."""
    if unlock_at is None:
        return 0
    return max(0, math.ceil(unlock_at - now))


def minutes_left(seconds: int) -> int:
    """What the sign-in page says: whole minutes, rounded up (never "0 minutes")."""
    return max(1, math.ceil(seconds / 60))
