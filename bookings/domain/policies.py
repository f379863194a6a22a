"""Who may do what, and when (SPEC §6). Plain functions on plain values; `now` is a parameter.
Each check raises a DomainError with a stable code, or returns None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bookings.domain.codes import BookingErrorCode
from bookings.domain.errors import InvalidTransition, PendingLimitReached
from bookings.domain.states import TRANSITIONS, Role, State
from core.errors import Conflict, PermissionDenied, Text, ValidationFailed, gettext_noop


@dataclass(frozen=True)
class Timing:
    """The booking's times as the policies need them (all aware)."""

    start: datetime
    end: datetime
    # When the booking last became pending: made, or sent back by a customer's reschedule.
    pending_since: datetime
    completed_at: datetime | None = None

    @classmethod
    def of(cls, booking: Timed) -> Timing:
        """The times of a booking row or of its read model."""
        return cls(
            start=booking.start,
            end=booking.end,
            pending_since=booking.pending_since,
            completed_at=booking.completed_at,
        )


class Timed(Protocol):
    """What has a booking's times (the row, bookings.readmodel.BookingView)."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def pending_since(self) -> datetime: ...
    @property
    def completed_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class PolicySettings:
    reschedule_notice: timedelta = timedelta(hours=24)
    start_early: timedelta = timedelta(minutes=30)
    no_show_after: timedelta = timedelta(minutes=15)
    rating_window: timedelta = timedelta(days=14)
    comment_max_length: int = 1000


DEFAULT_POLICY = PolicySettings()


@dataclass(frozen=True)
class Attempt:
    """A transition being tried, as its rules see it: who, when, under which settings, with what
    (a cancellation's reason; the site's confirmation window for an expiry). The booking service
    binds it to the booking; the django-fsm transitions' `conditions` check it (check_rules)."""

    action: str
    role: Role
    now: datetime
    policy: PolicySettings = DEFAULT_POLICY
    confirmation_window: timedelta = timedelta(0)
    reason: str = ""


def check_role(action: str, *, role: Role) -> None:
    """The role table: 403 for a role the action is not for."""
    if role not in TRANSITIONS[action].roles:
        raise PermissionDenied(
            gettext_noop("Your role (%(role)s) does not allow this action (%(action)s)."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
            params={"role": role.value, "action": action},
        )


NOTICE_OVERRIDE = "notice_override"  # the history detail of a booking made inside the notice


def check_notice_override(*, role: Role, reason: str) -> None:
    """Booking inside the site's minimum notice (a walk-in now) is an operator's explicit
    decision, with a reason (SPEC §6): 403 for anyone else, 400 without a reason."""
    if role is not Role.OPERATOR:
        raise PermissionDenied(
            gettext_noop("Only operators may book inside the minimum notice."),
            code=BookingErrorCode.NOTICE_OVERRIDE_NOT_ALLOWED,
        )
    if not reason.strip():
        raise ValidationFailed(
            details={
                "override_reason": [
                    Text(gettext_noop("Say why the booking is made inside the minimum notice."))
                ]
            }
        )


def check_transition(action: str, *, state: State, role: Role) -> None:
    """The state machine and the role table: 409 for a state that refuses, 403 for a role."""
    check_role(action, role=role)
    if state not in TRANSITIONS[action].sources:
        raise InvalidTransition(action, state.value)


def check_rules(attempt: Attempt, timing: Timing) -> None:
    """The rules of a transition beyond the state machine and the role table: when it may happen
    and what it needs. The one condition of every django-fsm transition of the booking."""
    action, role, now, policy = attempt.action, attempt.role, attempt.now, attempt.policy
    if action == "confirm":
        _confirm_rules(timing=timing, now=now)
    elif action == "expire":
        _expire_rules(timing=timing, confirmation_window=attempt.confirmation_window, now=now)
    elif action == "reschedule":
        _reschedule_rules(role=role, timing=timing, now=now, policy=policy)
    elif action == "start":
        _start_rules(timing=timing, now=now, policy=policy)
    elif action == "cancel":
        _cancel_rules(role=role, reason=attempt.reason)
    elif action == "no_show":
        _no_show_rules(timing=timing, now=now, policy=policy)
    elif action != "complete":
        raise ValueError(f"unknown transition {action!r}")


def pending_limit_applies(*, role: Role, will_be_pending: bool) -> bool:
    """A customer's new pending booking counts against their limit; an operator booking for
    them, and a booking confirmed at once (auto-confirm), do not."""
    return role is Role.CUSTOMER and will_be_pending


def check_pending_limit(*, pending: int, limit: int) -> None:
    """A customer holds at most `limit` pending bookings at once (SPEC §6)."""
    if pending >= limit:
        raise PendingLimitReached(
            gettext_noop(
                "You already have %(limit)s bookings waiting for confirmation; book again once "
                "one is confirmed or cancelled."
            ),
            params={"limit": limit},
            details={"limit": limit},
        )


def check_confirm(*, state: State, role: Role, timing: Timing, now: datetime) -> None:
    check_transition("confirm", state=state, role=role)
    _confirm_rules(timing=timing, now=now)


def _confirm_rules(*, timing: Timing, now: datetime) -> None:
    if now >= timing.start:
        raise Conflict(
            gettext_noop("A booking can only be confirmed before it starts."),
            code=BookingErrorCode.TOO_LATE,
        )


def expires_at(*, timing: Timing, confirmation_window: timedelta) -> datetime:
    """When a pending booking expires (its confirmation deadline): its confirmation window after
    it became pending (made, or sent back by a customer's reschedule), or its start if that
    comes first. The expiry job, the dashboard and the API all read it here."""
    return min(timing.pending_since + confirmation_window, timing.start)


def confirmation_deadline(
    *, state: State, timing: Timing, confirmation_window: timedelta
) -> datetime | None:
    """By when a pending booking must be confirmed (else it expires); None in any other state."""
    if state is not State.PENDING:
        return None
    return expires_at(timing=timing, confirmation_window=confirmation_window)


def expiry_due(*, timing: Timing, confirmation_window: timedelta, now: datetime) -> bool:
    """A pending booking expires when its confirmation window has passed or its start is reached."""
    return now >= expires_at(timing=timing, confirmation_window=confirmation_window)


def check_expire(
    *, state: State, timing: Timing, confirmation_window: timedelta, now: datetime
) -> None:
    check_transition("expire", state=state, role=Role.SYSTEM)
    _expire_rules(timing=timing, confirmation_window=confirmation_window, now=now)


def _expire_rules(*, timing: Timing, confirmation_window: timedelta, now: datetime) -> None:
    if not expiry_due(timing=timing, confirmation_window=confirmation_window, now=now):
        raise Conflict(
            gettext_noop("This booking is not due to expire yet."), code=BookingErrorCode.NOT_DUE
        )


def reschedule_deadline(
    *, role: Role, timing: Timing, policy: PolicySettings = DEFAULT_POLICY
) -> datetime:
    """Until when `role` may reschedule: a customer up to the notice (24 h) before the current
    start (that moment included), an operator until the start."""
    if role is Role.CUSTOMER:
        return timing.start - policy.reschedule_notice
    return timing.start


def check_reschedule(
    *,
    state: State,
    role: Role,
    timing: Timing,
    now: datetime,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    """Customers up to the notice (24 h) before the current start; operators until it starts."""
    check_transition("reschedule", state=state, role=role)
    _reschedule_rules(role=role, timing=timing, now=now, policy=policy)


def _reschedule_rules(*, role: Role, timing: Timing, now: datetime, policy: PolicySettings) -> None:
    if now >= timing.start:
        raise Conflict(
            gettext_noop("A booking cannot be rescheduled once it has started."),
            code=BookingErrorCode.TOO_LATE,
        )
    if role is Role.CUSTOMER and now > reschedule_deadline(role=role, timing=timing, policy=policy):
        hours = int(policy.reschedule_notice.total_seconds() // 3600)
        raise Conflict(
            gettext_noop(
                "Bookings can be rescheduled up to %(hours)s h before they start; "
                "please contact the workshop."
            ),
            params={"hours": hours},
            code=BookingErrorCode.RESCHEDULE_TOO_LATE,
            details={"notice_hours": hours},
        )


def state_after_reschedule(*, state: State, role: Role, auto_confirm: bool) -> State:
    """A customer's reschedule of a confirmed booking needs confirming again, unless the site
    auto-confirms; an operator's keeps the state."""
    if state is State.CONFIRMED and role is Role.CUSTOMER and not auto_confirm:
        return State.PENDING
    return state


def check_start(
    *,
    state: State,
    role: Role,
    timing: Timing,
    now: datetime,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    check_transition("start", state=state, role=role)
    _start_rules(timing=timing, now=now, policy=policy)


def _start_rules(*, timing: Timing, now: datetime, policy: PolicySettings) -> None:
    if now < timing.start - policy.start_early:
        minutes = int(policy.start_early.total_seconds() // 60)
        raise Conflict(
            gettext_noop(
                "A job can be started at the earliest %(minutes)s minutes before its start time."
            ),
            params={"minutes": minutes},
            code=BookingErrorCode.TOO_EARLY,
        )
    if now > timing.end:
        raise Conflict(
            gettext_noop("This job's time is over; mark it as no-show instead."),
            code=BookingErrorCode.TOO_LATE,
        )


def check_complete(*, state: State, role: Role) -> None:
    check_transition("complete", state=state, role=role)


def check_cancel(*, state: State, role: Role, reason: str) -> None:
    check_transition("cancel", state=state, role=role)
    _cancel_rules(role=role, reason=reason)


def _cancel_rules(*, role: Role, reason: str) -> None:
    if role is Role.OPERATOR and not reason.strip():
        raise ValidationFailed(
            gettext_noop("Operators must give a reason to cancel."),
            details={"reason": [Text(gettext_noop("A reason is required."))]},
        )


def check_no_show(
    *,
    state: State,
    role: Role,
    timing: Timing,
    now: datetime,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    check_transition("no_show", state=state, role=role)
    _no_show_rules(timing=timing, now=now, policy=policy)


def _no_show_rules(*, timing: Timing, now: datetime, policy: PolicySettings) -> None:
    if now < timing.start + policy.no_show_after:
        minutes = int(policy.no_show_after.total_seconds() // 60)
        raise Conflict(
            gettext_noop(
                "A no-show can be recorded from %(minutes)s minutes after the start time."
            ),
            params={"minutes": minutes},
            code=BookingErrorCode.TOO_EARLY,
        )


def check_may_rate(
    *,
    state: State,
    role: Role,
    already_rated: bool,
    timing: Timing,
    now: datetime,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    """The booking's customer, once, only when completed, within the window after completion."""
    if role is not Role.CUSTOMER:
        raise PermissionDenied(
            gettext_noop("Only the booking's customer can rate it."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if state is not State.COMPLETED:
        raise InvalidTransition("rate", state.value)
    if already_rated:
        raise Conflict(
            gettext_noop("This booking has already been rated."),
            code=BookingErrorCode.ALREADY_RATED,
        )
    completed_at = timing.completed_at or timing.end
    if now > completed_at + policy.rating_window:
        days = policy.rating_window.days
        raise Conflict(
            gettext_noop("Ratings are accepted up to %(days)s days after completion."),
            params={"days": days},
            code=BookingErrorCode.RATING_WINDOW_CLOSED,
        )


def check_rating(
    *,
    state: State,
    role: Role,
    already_rated: bool,
    stars: int,
    comment: str,
    timing: Timing,
    now: datetime,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    """check_may_rate, then the rating itself: 1 to 5 stars, a comment of bounded length."""
    check_may_rate(
        state=state,
        role=role,
        already_rated=already_rated,
        timing=timing,
        now=now,
        policy=policy,
    )
    errors: dict[str, list[Text]] = {}
    if not 1 <= stars <= 5:
        # Named as the API takes and shows them (rating, rating_comment).
        errors["rating"] = [Text(gettext_noop("Give between 1 and 5 stars."))]
    if len(comment) > policy.comment_max_length:
        errors["rating_comment"] = [
            Text(gettext_noop("At most %(count)s characters."), count=policy.comment_max_length)
        ]
    if errors:
        raise ValidationFailed(details=errors)


# How long each note may be (the API's serializers and the model's max_length use the same
# numbers for the shape; this is the rule, checked by the use cases that write a note).
NOTE_MAX_LENGTHS: dict[str, int] = {"customer_note": 1000, "operator_note": 2000}


def check_notes(**notes: str | None) -> None:
    """Every given note (customer_note, operator_note) within its length; None: not written."""
    errors: dict[str, list[Text]] = {}
    for field, text in notes.items():
        limit = NOTE_MAX_LENGTHS[field]
        if text is not None and len(text) > limit:
            errors[field] = [Text(gettext_noop("At most %(count)s characters."), count=limit)]
    if errors:
        raise ValidationFailed(details=errors)


# The actions a booking's reader may be offered, in this order (the API's `actions`).
OFFERED_ACTIONS = ("confirm", "reschedule", "start", "complete", "cancel", "no_show", "rate")


def check_action(
    action: str,
    *,
    state: State,
    role: Role,
    timing: Timing,
    now: datetime,
    already_rated: bool,
    policy: PolicySettings = DEFAULT_POLICY,
) -> None:
    """What the use case for `action` checks before it reads its input (a cancellation's reason,
    a rating's stars): the state machine, the role and the timing, by the very functions the
    services call. Raises their DomainError, or returns None when `role` may do it at `now`."""
    if action == "confirm":
        check_confirm(state=state, role=role, timing=timing, now=now)
    elif action == "reschedule":
        check_reschedule(state=state, role=role, timing=timing, now=now, policy=policy)
    elif action == "start":
        check_start(state=state, role=role, timing=timing, now=now, policy=policy)
    elif action == "complete":
        check_complete(state=state, role=role)
    elif action == "cancel":
        check_transition("cancel", state=state, role=role)
    elif action == "no_show":
        check_no_show(state=state, role=role, timing=timing, now=now, policy=policy)
    elif action == "rate":
        check_may_rate(
            state=state,
            role=role,
            already_rated=already_rated,
            timing=timing,
            now=now,
            policy=policy,
        )
    else:
        raise ValueError(f"unknown action {action!r}")
