"""The transitions of SPEC §6, all through one helper, `run_transition`: lock the row (under the
lock timeout) -> the actor's role -> the role table -> the django-fsm transition, which checks
the source state and, as its condition, the domain's rules (bookings.domain.policies.check_rules),
and sets what its data says -> save(update_fields) -> one history row with the real from_state ->
the outbox event. A django-fsm TransitionNotAllowed is the domain's InvalidTransition.

Confirm, expire, start, complete, cancel and no-show are here; reschedule (bookings.services.
changes) runs through the same helper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django_fsm import TransitionNotAllowed, can_proceed

from bookings import events
from bookings.domain import policies
from bookings.domain.errors import InvalidTransition
from bookings.domain.fees import cancellation_fee, no_show_fee
from bookings.domain.states import Role, State
from bookings.models import Booking
from bookings.roles import ActorRoles
from bookings.services._common import (
    _guarded,
    _locked,
    _record,
    _release_promo,
    fee_tiers,
    policy_settings,
)
from core.clock import resolve_now
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User

# The model's transition method that stands for each action when asking the state machine first
# (reschedule has two, with the same sources and condition).
_METHODS = {
    "confirm": "confirm",
    "expire": "expire",
    "reschedule": "reschedule_in_place",
    "start": "start_work",
    "complete": "complete",
    "cancel": "cancel",
    "no_show": "mark_no_show",
}


@dataclass(frozen=True)
class Applied:
    """What a transition did beyond the state: the fields it changed (as the model's transition
    returns them), what its history row says, and its outbox event."""

    fields: tuple[str, ...]
    announce: Callable[[], None]
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    in_savepoint: bool = False  # the save may meet the exclusion constraint (a move)


def run_transition(
    booking_id: UUID | int,
    *,
    action: str,
    actor: User | None,
    now: datetime,
    apply: Callable[[Booking, Role], Applied],
    reason: str = "",
    confirmation_window: Callable[[Booking], timedelta] | None = None,
    with_resource: bool = False,
) -> Booking:
    """Runs `action` on the booking: `apply` calls the model's transition with its data (and does
    the action's own work, e.g. a reschedule's new place) once the state machine, the role and
    the rules have said yes; the rest is the same for every transition."""
    with _guarded():
        booking = _locked(booking_id, with_resource=with_resource)
        role = ActorRoles(actor).role_toward(booking)
        from_state = State(booking.state)
        policies.check_role(action, role=role)
        booking.attempt = policies.Attempt(
            action=action,
            role=role,
            now=now,
            policy=policy_settings(),
            confirmation_window=confirmation_window(booking)
            if confirmation_window
            else timedelta(0),
            reason=reason,
        )
        try:
            # The source state, then the rules (which raise their own refusal), before any work.
            if not can_proceed(getattr(booking, _METHODS[action])):
                raise InvalidTransition(action, from_state.value)
            applied = apply(booking, role)
        except TransitionNotAllowed as exc:
            raise InvalidTransition(action, from_state.value) from exc
        finally:
            booking.attempt = None
        update_fields = ["state", *applied.fields, "updated_at"]
        if applied.in_savepoint:
            with transaction.atomic():
                booking.save(update_fields=update_fields)
        else:
            booking.save(update_fields=update_fields)
        _record(
            booking,
            action=action,
            from_state=from_state.value,
            actor=actor,
            role=role,
            now=now,
            reason=applied.reason,
            details=applied.details,
        )
        applied.announce()
    return booking


def _stamped(
    action: str,
    booking_id: UUID | int,
    actor: User,
    now: datetime | None,
    transit: Callable[[Booking, datetime], tuple[str, ...]],
    announce: Callable[..., None],
) -> Booking:
    """A transition whose only data is its moment (confirm, start, complete)."""
    moment = resolve_now(now)

    def apply(booking: Booking, role: Role) -> Applied:
        return Applied(transit(booking, moment), lambda: announce(booking, role=role, now=moment))

    return run_transition(booking_id, action=action, actor=actor, now=moment, apply=apply)


def booking_confirm(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    return _stamped(
        "confirm", booking_id, actor, now, lambda b, at: b.confirm(at=at), events.booking_confirmed
    )


def booking_expire(*, booking_id: UUID | int, now: datetime | None = None) -> Booking:
    """System job: a pending booking whose confirmation window passed (or whose start came)."""
    moment = resolve_now(now)

    def window(booking: Booking) -> timedelta:
        site = scheduling.site_policy_by_pk(booking.site_id)
        return timedelta(minutes=site.confirmation_window_minutes)

    def apply(booking: Booking, role: Role) -> Applied:
        fields = booking.expire(at=moment)
        _release_promo(booking, moment)
        return Applied(fields, lambda: events.booking_expired(booking, now=moment))

    return run_transition(
        booking_id,
        action="expire",
        actor=None,
        now=moment,
        apply=apply,
        confirmation_window=window,
    )


def booking_start(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    return _stamped(
        "start", booking_id, actor, now, lambda b, at: b.start_work(at=at), events.booking_started
    )


def booking_complete(
    *, booking_id: UUID | int, actor: User, now: datetime | None = None
) -> Booking:
    return _stamped(
        "complete",
        booking_id,
        actor,
        now,
        lambda b, at: b.complete(at=at),
        events.booking_completed,
    )


def booking_cancel(
    *, booking_id: UUID | int, actor: User, reason: str = "", now: datetime | None = None
) -> Booking:
    moment = resolve_now(now)

    def apply(booking: Booking, role: Role) -> Applied:
        state = State(booking.state)
        fee = cancellation_fee(
            total=booking.total,
            state=state,
            role=role,
            start=booking.start,
            now=moment,
            tiers=fee_tiers(),
        )
        fields = booking.cancel(at=moment, by=actor, reason=reason, fee=fee.amount)
        if state is State.PENDING:  # SPEC §4: released when cancelled before confirmation
            _release_promo(booking, moment)
        return Applied(
            fields,
            lambda: events.booking_cancelled(
                booking, role=role, now=moment, from_state=state.value, fee_percent=fee.percent
            ),
            reason=booking.cancellation_reason,
            details={"fee": str(fee.amount), "fee_percent": str(fee.percent)},
        )

    return run_transition(
        booking_id, action="cancel", actor=actor, now=moment, apply=apply, reason=reason
    )


def booking_no_show(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    moment = resolve_now(now)

    def apply(booking: Booking, role: Role) -> Applied:
        fee = no_show_fee(
            total=booking.total, percent=Decimal(str(settings.BOOKING_NO_SHOW_FEE_PERCENT))
        )
        return Applied(
            booking.mark_no_show(at=moment, fee=fee.amount),
            lambda: events.booking_no_show(booking, role=role, now=moment),
            details={"fee": str(fee.amount)},
        )

    return run_transition(booking_id, action="no_show", actor=actor, now=moment, apply=apply)
