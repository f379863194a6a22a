"""The transitions of SPEC §6 that only change the state: confirm, expire, start, complete,
cancel, no-show."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.db import transaction

from bookings import events
from bookings.domain import policies
from bookings.domain.fees import cancellation_fee, no_show_fee
from bookings.domain.states import Role, State
from bookings.models import Booking
from bookings.services._common import (
    _guarded,
    _locked,
    _record,
    _release_promo,
    _role,
    _timing,
    fee_tiers,
    policy_settings,
)
from core.clock import resolve_now
from core.locking import set_lock_timeout
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User


def booking_confirm(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        role = _role(actor, booking)
        policies.check_confirm(
            state=State(booking.state), role=role, timing=_timing(booking), now=moment
        )
        booking.confirm()
        booking.confirmed_at = moment
        booking.calendar_sequence += 1  # its calendar event is confirmed now
        booking.save(update_fields=["state", "confirmed_at", "calendar_sequence", "updated_at"])
        _record(booking, action="confirm", from_state="pending", actor=actor, role=role, now=moment)
        events.booking_confirmed(booking, role=role, now=moment)
    return booking


def booking_expire(*, booking_id: UUID | int, now: datetime | None = None) -> Booking:
    """System job: a pending booking whose confirmation window passed (or whose start came)."""
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        site = scheduling.site_policy_by_pk(booking.site_id)
        policies.check_expire(
            state=State(booking.state),
            timing=_timing(booking),
            confirmation_window=timedelta(minutes=site.confirmation_window_minutes),
            now=moment,
        )
        booking.expire()
        booking.expired_at = moment
        booking.calendar_sequence += 1  # its calendar event is cancelled
        booking.save(update_fields=["state", "expired_at", "calendar_sequence", "updated_at"])
        _release_promo(booking, moment)
        _record(
            booking, action="expire", from_state="pending", actor=None, role=Role.SYSTEM, now=moment
        )
        events.booking_expired(booking, now=moment)
    return booking


def booking_start(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        role = _role(actor, booking)
        policies.check_start(
            state=State(booking.state),
            role=role,
            timing=_timing(booking),
            now=moment,
            policy=policy_settings(),
        )
        booking.start_work()
        booking.started_at = moment
        booking.save(update_fields=["state", "started_at", "updated_at"])
        _record(booking, action="start", from_state="confirmed", actor=actor, role=role, now=moment)
        events.booking_started(booking, role=role, now=moment)
    return booking


def booking_complete(
    *, booking_id: UUID | int, actor: User, now: datetime | None = None
) -> Booking:
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        role = _role(actor, booking)
        policies.check_complete(state=State(booking.state), role=role)
        booking.complete()
        booking.completed_at = moment
        booking.save(update_fields=["state", "completed_at", "updated_at"])
        _record(
            booking, action="complete", from_state="in_progress", actor=actor, role=role, now=moment
        )
        events.booking_completed(booking, role=role, now=moment)
    return booking


def booking_cancel(
    *, booking_id: UUID | int, actor: User, reason: str = "", now: datetime | None = None
) -> Booking:
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        role = _role(actor, booking)
        state = State(booking.state)
        policies.check_cancel(state=state, role=role, reason=reason)
        fee = cancellation_fee(
            total=booking.total,
            state=state,
            role=role,
            start=booking.start,
            now=moment,
            tiers=fee_tiers(),
        )
        booking.cancel()
        booking.cancelled_at = moment
        booking.cancelled_by = actor
        booking.cancellation_reason = reason.strip()
        booking.fee = fee.amount
        booking.calendar_sequence += 1  # its calendar event is cancelled
        booking.save(
            update_fields=[
                "state",
                "cancelled_at",
                "cancelled_by",
                "cancellation_reason",
                "fee",
                "calendar_sequence",
                "updated_at",
            ]
        )
        if state is State.PENDING:  # SPEC §4: released when cancelled before confirmation
            _release_promo(booking, moment)
        _record(
            booking,
            action="cancel",
            from_state=state.value,
            actor=actor,
            role=role,
            now=moment,
            reason=booking.cancellation_reason,
            details={"fee": str(fee.amount), "fee_percent": str(fee.percent)},
        )
        events.booking_cancelled(
            booking, role=role, now=moment, from_state=state.value, fee_percent=fee.percent
        )
    return booking


def booking_no_show(*, booking_id: UUID | int, actor: User, now: datetime | None = None) -> Booking:
    moment = resolve_now(now)
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id)
        role = _role(actor, booking)
        policies.check_no_show(
            state=State(booking.state),
            role=role,
            timing=_timing(booking),
            now=moment,
            policy=policy_settings(),
        )
        fee = no_show_fee(
            total=booking.total, percent=Decimal(str(settings.BOOKING_NO_SHOW_FEE_PERCENT))
        )
        booking.mark_no_show()
        booking.no_show_at = moment
        booking.fee = fee.amount
        booking.save(update_fields=["state", "no_show_at", "fee", "updated_at"])
        _record(
            booking,
            action="no_show",
            from_state="confirmed",
            actor=actor,
            role=role,
            now=moment,
            details={"fee": str(fee.amount)},
        )
        events.booking_no_show(booking, role=role, now=moment)
    return booking
