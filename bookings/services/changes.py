"""Changes that keep the booking's life going: reschedule, rate, notes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.utils.translation import gettext as _

from bookings import events, readmodel, selectors
from bookings.domain import policies
from bookings.domain.codes import BookingErrorCode
from bookings.domain.errors import InvalidTransition, VehicleAlreadyBooked
from bookings.domain.history import Place, reschedule_details
from bookings.domain.states import Role, State
from bookings.models import Booking
from bookings.roles import ActorRoles
from bookings.services._common import (
    _assign_locked,
    _guarded,
    _locked,
    _record,
    _timing,
    policy_settings,
)
from bookings.services.transitions import Applied, run_transition
from core.clock import resolve_now
from core.errors import PermissionDenied, ValidationFailed
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User


def booking_reschedule(
    *,
    booking_id: UUID | int,
    actor: User,
    start: datetime,
    resource_pk: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """Moves the booking to `start` (keeping its duration and buffer), on the best free resource,
    or on `resource_pk` when given (the planning board's move, to another resource at the same or
    another time; docs/rules/bookings.md, "Moving a booking"). A start that resource cannot take
    is refused with its reasons (scheduling's refusal codes), nothing changed."""
    moment = resolve_now(now)
    if start.tzinfo is None:
        raise ValidationFailed(details={"start": [_("Give the time with its UTC offset.")]})

    def apply(booking: Booking, role: Role) -> Applied:
        state = State(booking.state)
        if resource_pk is not None and role not in (Role.OPERATOR, Role.SYSTEM):
            # Customers get the resource the assignment picks (SPEC §5); operators may choose.
            raise PermissionDenied(
                _("Only operators choose the resource of a booking."),
                code=BookingErrorCode.OPERATOR_ONLY,
            )
        site = scheduling.bookable_site(pk=booking.site_id)
        scheduling.check_start_exists(site=site, start=start)
        new_start = start.astimezone(UTC)  # real minutes from here (see booking_create)
        requirements = selectors.reschedule_requirements(booking)
        # A vehicle is in one place at a time: its other active bookings must not meet the new
        # time (its own is `besides`). The same read brings the day's held time of the site's
        # resources, which the placement ranks by.
        load = selectors.customer_load(
            customer_pk=booking.customer_id,
            vehicle_pk=booking.vehicle_id,
            start=new_start,
            end=new_start + (booking.end - booking.start),
            now=moment,
            count_pending=False,
            besides=booking.pk,
            held=scheduling.held_window(site=site, requirements=requirements, start=new_start),
        )
        if load.vehicle_booked_by is not None:
            raise VehicleAlreadyBooked(load.vehicle_booked_by)
        # The booking keeps its own duration and buffer: that is the time the new place must hold.
        resource = _assign_locked(
            site=site,
            requirements=requirements,
            start=new_start,
            blocked_until=new_start + (booking.blocked_until - booking.start),
            now=moment,
            operator=role in (Role.OPERATOR, Role.SYSTEM),
            ignore=[selectors.own_busy_time(booking)],
            only_resource=resource_pk,
            held=load.held,
        )
        previous_start, previous_end = booking.start, booking.end
        was_on = readmodel.resource_of(booking)
        before = Place(start=booking.start, resource_id=str(was_on.id), resource_name=was_on.name)
        target = policies.state_after_reschedule(
            state=state, role=role, auto_confirm=site.policy.auto_confirm
        )
        move = booking.reschedule_to_pending if target is not state else booking.reschedule_in_place
        fields = move(at=moment, start=new_start, resource_pk=resource.pk)
        return Applied(
            fields,
            lambda: events.booking_rescheduled(
                booking,
                role=role,
                now=moment,
                from_state=state.value,
                previous_start=previous_start,
                previous_end=previous_end,
            ),
            details=reschedule_details(
                before=before,
                after=Place(
                    start=new_start, resource_id=str(resource.id), resource_name=resource.name
                ),
                timezone=site.policy.timezone,
            ),
            in_savepoint=True,
        )

    return run_transition(
        booking_id,
        action="reschedule",
        actor=actor,
        now=moment,
        apply=apply,
        with_resource=True,
    )


def booking_rate(
    *,
    booking_id: UUID | int,
    actor: User,
    stars: int,
    comment: str = "",
    now: datetime | None = None,
) -> Booking:
    moment = resolve_now(now)
    with _guarded():
        booking = _locked(booking_id)
        role = ActorRoles(actor).role_toward(booking)
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
    with _guarded():
        booking = _locked(booking_id)
        role = ActorRoles(actor).role_toward(booking)
        fields: list[str] = []
        if customer_note is not None:
            if role not in {Role.CUSTOMER, Role.OPERATOR}:
                raise InvalidTransition("edit", booking.state)
            policies.check_notes(customer_note=customer_note)
            if customer_note != booking.customer_note:
                booking.customer_note = customer_note
                fields.append("customer_note")
        if operator_note is not None:
            if role is not Role.OPERATOR:
                message = _("Only operators can write this note.")
                raise PermissionDenied(
                    message,
                    code=BookingErrorCode.OPERATOR_ONLY,
                    details={"operator_note": [message]},
                )
            policies.check_notes(operator_note=operator_note)
            if operator_note != booking.operator_note:
                booking.operator_note = operator_note
                fields.append("operator_note")
        if fields:
            booking.save(update_fields=[*fields, "updated_at"])
            events.booking_notes_changed(booking, role=role, now=moment, fields=fields)
    return booking
