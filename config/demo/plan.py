"""The life of each demo booking, decided before it is made: its final state, when it was made,
and when each transition happened, every moment in the past and each transition legal when it
happened (SPEC §6). Plain Python on aware datetimes; one random generator per booking."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.demo import data

PENDING, CONFIRMED, IN_PROGRESS = "pending", "confirmed", "in_progress"
COMPLETED, CANCELLED, EXPIRED, NO_SHOW = "completed", "cancelled", "expired", "no_show"
STATES = (PENDING, CONFIRMED, IN_PROGRESS, COMPLETED, CANCELLED, EXPIRED, NO_SHOW)

# The first bookings of every data set take these states, so that even a tiny set shows them all.
FIRST_STATES = (COMPLETED, CONFIRMED, PENDING, IN_PROGRESS, CANCELLED, NO_SHOW, EXPIRED)
STATE_WEIGHTS = {
    COMPLETED: 42,
    CONFIRMED: 20,
    PENDING: 8,
    CANCELLED: 15,
    EXPIRED: 6,
    NO_SHOW: 5,
    IN_PROGRESS: 0.4,
}

# How a cancelled booking was cancelled; the fee follows from the moment (the service computes it).
CANCEL_PENDING = "customer_pending"  # free
CANCEL_EARLY = "customer_early"  # confirmed, at least 24 h before: free
CANCEL_LATE = "customer_late"  # confirmed, 2-24 h before: 50 %
CANCEL_LAST_MINUTE = "customer_last_minute"  # confirmed, under 2 h: 100 %
CANCEL_BY_OPERATOR = "operator"  # with a reason, free
CANCEL_WEIGHTS = {
    CANCEL_PENDING: 3,
    CANCEL_EARLY: 3,
    CANCEL_LATE: 2,
    CANCEL_LAST_MINUTE: 1,
    CANCEL_BY_OPERATOR: 2,
}

MINUTE = timedelta(minutes=1)
WORK_STARTED_EARLY = timedelta(minutes=10)
NO_SHOW_AFTER = timedelta(minutes=15)  # SPEC §6: a no-show from start + 15 min
RATING_WINDOW = timedelta(days=14)


def state_caps(total: int, resources: int) -> dict[str, int]:
    """At most this many bookings wait for an operator or are being worked on right now: a
    workshop has a handful, whatever the size of its history."""
    return {PENDING: max(6, total // 100), IN_PROGRESS: max(2, resources // 2)}


def pick_state(rng: random.Random, index: int, *, full: frozenset[str] = frozenset()) -> str:
    """The booking's final state; a state in `full` (its cap reached) becomes confirmed."""
    if index < len(FIRST_STATES):
        return FIRST_STATES[index]
    state = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
    return CONFIRMED if state in full else state


def days_for(state: str, *, today: date, back: int, ahead: int) -> list[date]:
    """The days a booking in `state` may fall on (it is then placed on one of them)."""
    if state == IN_PROGRESS:
        return [today - timedelta(days=n) for n in range(7)]  # today first: the latest job
    past = [today - timedelta(days=n) for n in range(back, -1, -1)]
    future = [today + timedelta(days=n) for n in range(0, ahead + 1)]
    if state in (COMPLETED, NO_SHOW):
        return past
    if state in (CONFIRMED, PENDING):
        return future
    return past + future[1:]


def _between(rng: random.Random, low: timedelta, high: timedelta) -> timedelta:
    """A whole number of minutes in [low, high]."""
    minutes = rng.randint(int(low.total_seconds() // 60), int(high.total_seconds() // 60))
    return timedelta(minutes=minutes)


def _past_day(day: date, *, now: datetime, tz: ZoneInfo) -> bool:
    return datetime.combine(day, time(0), tzinfo=tz) <= now


def created_at(
    state: str,
    *,
    day: date,
    now: datetime,
    tz: ZoneInfo,
    confirmation_window: timedelta,
    rng: random.Random,
) -> datetime:
    """When the booking was made: a few days before its day for what has happened, just now for
    what still waits for an operator, and never after `now`."""
    if state == PENDING:
        # Inside the confirmation window, so that it is still pending when the demo starts.
        return now - _between(
            rng, timedelta(minutes=5), confirmation_window - timedelta(minutes=15)
        )
    if state == EXPIRED and not _past_day(day, now=now, tz=tz):
        return now - _between(rng, confirmation_window + timedelta(minutes=30), timedelta(days=4))
    if state in (CONFIRMED, CANCELLED, EXPIRED) and not _past_day(day, now=now, tz=tz):
        return now - _between(rng, timedelta(hours=2), timedelta(days=6))
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    lead = timedelta(days=rng.randint(1, 10))
    return min(midnight - lead + _between(rng, timedelta(hours=8), timedelta(hours=21)), now)


def start_fits(state: str, *, start: datetime, end: datetime, now: datetime) -> bool:
    """Whether a free start suits the state (what happened must be over by `now`)."""
    if state == COMPLETED:
        return end + timedelta(minutes=30) <= now
    if state == NO_SHOW:
        return start + timedelta(minutes=60) <= now
    if state == IN_PROGRESS:
        # Today's latest job when the workshop is open; at night or on a Sunday, the last one of
        # the last open day (still in progress: nobody has closed it yet).
        return start + timedelta(minutes=5) <= now and now - start <= timedelta(days=3)
    if state in (CONFIRMED, PENDING):
        return start >= now + timedelta(minutes=30)
    return True


@dataclass(frozen=True)
class Timeline:
    """The moments of a booking's transitions (None: it does not happen)."""

    confirm: datetime | None = None
    start_work: datetime | None = None
    complete: datetime | None = None
    no_show: datetime | None = None
    cancel: datetime | None = None
    cancel_by_operator: bool = False
    cancel_reason: str = ""
    expire: datetime | None = None
    rate: datetime | None = None
    stars: int = 0
    comment: str = ""


def _clamp(moment: datetime, low: datetime, high: datetime) -> datetime:
    return max(low, min(moment, high))


def timeline(
    state: str,
    *,
    created: datetime,
    start: datetime,
    end: datetime,
    now: datetime,
    confirmation_window: timedelta,
    language: str,
    rng: random.Random,
) -> Timeline:
    """The transitions that take a booking made at `created` for [start, end) to `state`."""
    latest = min(now, start) - MINUTE  # before the start and never in the future
    confirm = _clamp(created + _between(rng, timedelta(minutes=10), timedelta(hours=6)),
                     created + MINUTE, latest - MINUTE)  # fmt: skip
    if state == PENDING:
        return Timeline()
    if state == CONFIRMED:
        return Timeline(confirm=confirm)
    if state == EXPIRED:
        due = created + confirmation_window
        return Timeline(expire=due + _between(rng, timedelta(0), timedelta(minutes=30)))
    if state == NO_SHOW:
        return Timeline(
            confirm=confirm, no_show=start + NO_SHOW_AFTER + _between(rng, MINUTE, 30 * MINUTE)
        )
    if state == IN_PROGRESS:
        begun = min(start + _between(rng, timedelta(0), WORK_STARTED_EARLY), now, end)
        return Timeline(confirm=confirm, start_work=begun)
    if state == COMPLETED:
        begun = start + _between(rng, -WORK_STARTED_EARLY, WORK_STARTED_EARLY)
        done = max(begun + MINUTE, end + _between(rng, -5 * MINUTE, 20 * MINUTE))
        rate_at = done + _between(rng, timedelta(hours=1), timedelta(days=4))
        if rng.random() >= data.RATING_PROBABILITY or rate_at > now:
            return Timeline(confirm=confirm, start_work=begun, complete=done)
        stars = rng.choices(list(data.STAR_WEIGHTS), weights=list(data.STAR_WEIGHTS.values()))[0]
        comments = data.RATING_COMMENTS.get(language, data.RATING_COMMENTS["en"])[stars]
        return Timeline(
            confirm=confirm,
            start_work=begun,
            complete=done,
            rate=min(rate_at, done + RATING_WINDOW),
            stars=stars,
            comment=rng.choice(comments),
        )
    return _cancelled(created=created, start=start, confirm=confirm, latest=latest, rng=rng)


def _cancelled(
    *, created: datetime, start: datetime, confirm: datetime, latest: datetime, rng: random.Random
) -> Timeline:
    how = rng.choices(list(CANCEL_WEIGHTS), weights=list(CANCEL_WEIGHTS.values()))[0]
    if how == CANCEL_PENDING:
        moment = created + _between(rng, timedelta(minutes=10), timedelta(minutes=90))
        return Timeline(cancel=_clamp(moment, created + MINUTE, latest))
    if how == CANCEL_BY_OPERATOR:
        moment = confirm + _between(rng, timedelta(hours=1), timedelta(days=2))
        return Timeline(
            confirm=confirm,
            cancel=_clamp(moment, confirm + MINUTE, latest),
            cancel_by_operator=True,
            cancel_reason=rng.choice(data.OPERATOR_CANCEL_REASONS),
        )
    before = {
        CANCEL_EARLY: (timedelta(hours=26), timedelta(hours=72)),
        CANCEL_LATE: (timedelta(hours=3), timedelta(hours=20)),
        CANCEL_LAST_MINUTE: (timedelta(minutes=20), timedelta(minutes=100)),
    }[how]
    moment = start - _between(rng, *before)
    return Timeline(confirm=confirm, cancel=_clamp(moment, confirm + MINUTE, latest))


def is_legal(moments: Timeline, *, created: datetime, start: datetime, now: datetime) -> bool:
    """Every transition after the booking was made, in order, none in the future, a confirmation
    before the start: what the use cases will accept (they have the last word)."""
    sequence = [
        moment
        for moment in (
            moments.confirm,
            moments.start_work,
            moments.complete,
            moments.rate,
            moments.no_show,
            moments.cancel,
            moments.expire,
        )
        if moment is not None
    ]
    if any(moment <= created or moment > now for moment in sequence):
        return False
    if moments.confirm is not None and moments.confirm >= start:
        return False
    return all(a < b for a, b in itertools.pairwise(sequence))
