"""Changes that keep the booking's life going: reschedule, rate, notes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from bookings import events, selectors
from bookings.domain import policies
from bookings.domain.errors import InvalidTransition, VehicleAlreadyBooked
from bookings.domain.history import Place, reschedule_details
from bookings.domain.states import Role, State
from bookings.models import Booking
from bookings.services._common import (
    _assign_locked,
    _guarded,
    _locked,
    _record,
    _role,
    _timing,
    policy_settings,
)
from core.clock import resolve_now
from core.errors import PermissionDenied, ValidationFailed
from core.locking import set_lock_timeout
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User


def booking_reschedule(
    *, booking_id: UUID | int, actor: User, start: datetime, now: datetime | None = None
) -> Booking:
    moment = resolve_now(now)
    if start.tzinfo is None:
        raise ValidationFailed(details={"start": [_("Give the time with its UTC offset.")]})
    with _guarded(), transaction.atomic():
        set_lock_timeout()
        booking = _locked(booking_id, with_resource=True)
        role = _role(actor, booking)
        state = State(booking.state)
        policies.check_reschedule(
            state=state, role=role, timing=_timing(booking), now=moment, policy=policy_settings()
        )
        site = scheduling.bookable_site(pk=booking.site_id)
        scheduling.check_start_exists(site=site, start=start)
        start = start.astimezone(UTC)  # real minutes from here (see booking_create)
        # A vehicle is in one place at a time: its other active bookings must not meet the new
        # time (its own is `besides`).
        load = selectors.customer_load(
            customer_pk=booking.customer_id,
            vehicle_pk=booking.vehicle_id,
            start=start,
            end=start + (booking.end - booking.start),
            now=moment,
            count_pending=False,
            besides=booking.pk,
        )
        if load.vehicle_booked_by is not None:
            raise VehicleAlreadyBooked(load.vehicle_booked_by)
        # The booking keeps its own duration and buffer: that is the time the new place must hold.
        resource = _assign_locked(
            site=site,
            requirements=selectors.reschedule_requirements(booking),
            start=start,
            blocked_until=start + (booking.blocked_until - booking.start),
            now=moment,
            ignore=[selectors.own_busy_time(booking)],
        )
        previous_start, previous_end = booking.start, booking.end
        before = Place(
            start=booking.start,
            resource_id=str(booking.resource_public_id),  # type: ignore[attr-defined]
            resource_name=booking.resource_name,  # type: ignore[attr-defined]
        )
        # The price stays the one booked (SPEC §4: a booking keeps its snapshot).
        duration = booking.end - booking.start
        buffer = booking.blocked_until - booking.end
        booking.start = start
        booking.end = start + duration
        booking.blocked_until = booking.end + buffer
        booking.resource_id = resource.pk
        booking.rescheduled_at = moment
        booking.reminder_sent_at = None
        booking.calendar_sequence += 1  # calendars move the event (same UID)
        target = policies.state_after_reschedule(
            state=state, role=role, auto_confirm=site.policy.auto_confirm
        )
        if target is not state:
            booking.reschedule_to_pending()
            booking.confirmed_at = None
            booking.pending_since = moment  # a fresh confirmation window
        else:
            booking.reschedule_in_place()
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "state",
                    "start",
                    "end",
                    "blocked_until",
                    "resource",
                    "rescheduled_at",
                    "reminder_sent_at",
                    "confirmed_at",
                    "pending_since",
                    "calendar_sequence",
                    "updated_at",
                ]
            )
        _record(
            booking,
            action="reschedule",
            from_state=state.value,
            actor=actor,
            role=role,
            now=moment,
            details=reschedule_details(
                before=before,
                after=Place(start=start, resource_id=str(resource.id), resource_name=resource.name),
                timezone=site.policy.timezone,
            ),
        )
        events.booking_rescheduled(
            booking,
            role=role,
            now=moment,
            from_state=state.value,
            previous_start=previous_start,
            previous_end=previous_end,
        )
    return booking


def booking_rate(
    *,
    booking_id: UUID | int,
    actor: User,
    stars: int,
    comment: str = "",
    now: datetime | None = None,
) -> Booking:
    moment = resolve_now(now)
    with transaction.atomic():
        booking = _locked(booking_id)
        role = _role(actor, booking)
        policies.check_rating(
            state=State(booking.state),
            role=role,
            already_rated=booking.rating is not None,
            stars=stars,
            comment=comment,
            timing=_timing(booking),
            now=moment,
            policy=policy_settings(),
        )
        booking.rating = stars
        booking.rating_comment = comment
        booking.rated_at = moment
        booking.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        _record(
            booking,
            action="rate",
            from_state=booking.state,
            actor=actor,
            role=role,
            now=moment,
            details={"stars": stars},
        )
        events.booking_rated(booking, role=role, now=moment)
    return booking


def booking_update_notes(
    *,
    booking_id: UUID | int,
    actor: User,
    customer_note: str | None = None,
    operator_note: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Customers edit their note; operators both. State, price, customer and resource are not
    editable here (they change only through the use cases above)."""
    moment = resolve_now(now)
    with transaction.atomic():
        booking = _locked(booking_id)
        role = _role(actor, booking)
        fields: list[str] = []
        if customer_note is not None:
            if role not in {Role.CUSTOMER, Role.OPERATOR}:
                raise InvalidTransition("edit", booking.state)
            if len(customer_note) > 1000:
                raise ValidationFailed(details={"customer_note": [_("At most 1000 characters.")]})
            if customer_note != booking.customer_note:
                booking.customer_note = customer_note
                fields.append("customer_note")
        if operator_note is not None:
            if role is not Role.OPERATOR:
                message = _("Only operators can write this note.")
                raise PermissionDenied(
                    message, code="operator_only", details={"operator_note": [message]}
                )
            if len(operator_note) > 2000:
                raise ValidationFailed(details={"operator_note": [_("At most 2000 characters.")]})
            if operator_note != booking.operator_note:
                booking.operator_note = operator_note
                fields.append("operator_note")
        if fields:
            booking.save(update_fields=[*fields, "updated_at"])
            events.booking_notes_changed(booking, role=role, now=moment, fields=fields)
    return booking
