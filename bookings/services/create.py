"""Creating a booking: lock the vehicle, quote, lock a free resource, re-check, insert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import public as accounts
from bookings import events, readmodel, selectors
from bookings.domain import policies
from bookings.domain.codes import BookingErrorCode
from bookings.domain.errors import VehicleAlreadyBooked
from bookings.domain.states import Role, State
from bookings.models import Booking, BookingEvent
from bookings.roles import ActorRoles
from bookings.services._common import (
    CUSTOMER_LOCK,
    _assign_locked,
    _event,
    _guarded,
    _insert_with_reference,
    _subtotal_before_promo,
)
from core.clock import resolve_now
from core.errors import Conflict, PermissionDenied, ValidationFailed
from pricing import public as pricing
from scheduling import public as scheduling
from vehicles import public as vehicles

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class BookingRequest:
    vehicle_id: UUID
    service_code: str
    site_id: UUID
    start: datetime
    option_codes: tuple[str, ...] = ()
    promo_code: str | None = None
    customer_note: str = ""
    expected_total: Decimal | None = None


def booking_create(
    *,
    actor: User,
    request: BookingRequest,
    customer_id: int | None = None,
    resource_pk: int | None = None,
    override_notice: bool = False,
    override_reason: str = "",
    confirm_now: bool = False,
    now: datetime | None = None,
) -> Booking:
    """A customer books for one of their vehicles; an operator may book for a customer
    (`customer_id`, whose vehicle it must be) and on one resource of the site (`resource_pk`,
    else the one resource assignment picks it). An operator may also book inside the site's
    minimum notice (`override_notice`, with `override_reason`: recorded on the creation's history
    row when the start is inside it) and confirm the booking at once (`confirm_now`: the confirm
    transition, by the operator, in the same transaction; an auto-confirming site confirms
    anyway). Without the override a start inside the notice is refused `too_soon`
    (docs/rules/bookings.md, "Phone and walk-in bookings")."""
    moment = resolve_now(now)
    if request.start.tzinfo is None:
        raise ValidationFailed(details={"start": [_("Give the time with its UTC offset.")]})
    role = Role.OPERATOR if ActorRoles(actor).is_operator else Role.CUSTOMER
    if override_notice:
        policies.check_notice_override(role=role, reason=override_reason)
    if confirm_now:
        policies.check_role("confirm", role=role)
    if resource_pk is not None and role is not Role.OPERATOR:
        raise PermissionDenied(_("Only operators may choose the resource."))
    if role is Role.CUSTOMER:
        accounts.check_may_book(actor)  # BOOKING_REQUIRES_VERIFIED_EMAIL
    owner_id = customer_id if (role is Role.OPERATOR and customer_id) else actor.pk
    policies.check_notes(customer_note=request.customer_note)

    site = scheduling.bookable_site(site_id=request.site_id)
    scheduling.check_start_exists(site=site, start=request.start)
    # On the UTC clock from here: minutes added to a start on a zoneinfo clock would be
    # wall-clock minutes (a 15-minute job from the first 02:45 of October's change would end at
    # 03:00 one hour later).
    start = request.start.astimezone(UTC)
    auto_confirm = site.policy.auto_confirm
    notice = timedelta(minutes=site.policy.min_notice_minutes)
    inside_notice = override_notice and start < moment + notice
    placement = site.without_notice() if override_notice else site
    with _guarded():
        capped = policies.pending_limit_applies(role=role, will_be_pending=not auto_confirm)
        # Read once, locked to the end: the vehicle cannot be archived under a booking being
        # made, nor booked twice at once. When their pending bookings are counted, the
        # customer's lock is taken first, in the same statement (then the vehicle, then a
        # resource): two of their bookings made at once are counted one after the other.
        vehicle = vehicles.lock_vehicle_of_owner(
            vehicle_id=request.vehicle_id,
            owner_id=owner_id,
            key_first=(CUSTOMER_LOCK, owner_id) if capped else None,
        )
        try:
            terms = pricing.booking_terms(
                service_code=request.service_code,
                category=vehicle.category,
                energy=vehicle.energy,
                option_codes=request.option_codes,
                local_start=start.astimezone(ZoneInfo(site.policy.timezone)),
                promo_code=request.promo_code or None,
                customer_id=owner_id,
                now=moment,
            )
        except pricing.QuoteRefused as refused:
            if refused.code != pricing.SERVICE_NOT_FOR_ENERGY:
                raise
            # A start refusal like the others (issue 12): no start can be booked for it.
            raise scheduling.energy_refusal(operator=role is Role.OPERATOR) from refused
        requirements, quote = terms.requirements, terms.quote
        if request.expected_total is not None and quote.total != request.expected_total:
            raise Conflict(
                _("The price has changed since your quote; check the new price and book again."),
                code=BookingErrorCode.PRICE_CHANGED,
                details={"quote": quote.as_dict()},
            )
        end = start + timedelta(minutes=requirements.duration_minutes)
        blocked_until = end + timedelta(minutes=requirements.buffer_after_minutes)
        # One read of the bookings: the vehicle's, the customer's pending ones and the day's held
        # time of the site's resources, which the placement ranks by.
        load = selectors.customer_load(
            customer_pk=owner_id,
            vehicle_pk=vehicle.pk,
            start=start,
            end=end,
            now=moment,
            count_pending=capped,
            held=scheduling.held_window(site=placement, requirements=requirements, start=start),
        )
        if capped:
            policies.check_pending_limit(
                pending=load.pending_held, limit=settings.BOOKING_MAX_PENDING_PER_CUSTOMER
            )
        if load.vehicle_booked_by is not None:
            raise VehicleAlreadyBooked(load.vehicle_booked_by)
        resource = _assign_locked(
            site=placement,
            requirements=requirements,
            start=start,
            blocked_until=blocked_until,
            now=moment,
            operator=role is Role.OPERATOR,
            only_resource=resource_pk,
            held=load.held,
        )
        redemption_id = None
        if quote.promo_code:
            redemption_id = pricing.promo_redeem(
                code=quote.promo_code,
                customer_id=owner_id,
                order_total=_subtotal_before_promo(quote),
                now=moment,
            )
        booking = Booking(
            customer_id=owner_id,
            vehicle_id=vehicle.pk,
            vehicle_plate=vehicle.plate,
            vehicle_category=vehicle.category,
            service_id=terms.service_pk,
            service_name=quote.service_name or requirements.name,
            option_codes=list(quote.option_codes),
            site_id=site.policy.pk,
            resource_id=resource.pk,
            start=start,
            end=end,
            blocked_until=blocked_until,
            total=quote.total,
            currency=quote.currency,
            price_snapshot=quote.as_dict(),
            promo_code=quote.promo_code or "",
            promo_redemption_id=redemption_id,
            customer_note=request.customer_note,
            created_at=moment,
            pending_since=moment,
        )
        # Confirmed at once by the site's rule, else by the operator's "confirm now": the FSM's
        # transition, in memory (the row is inserted confirmed), under its rules.
        confirmed_by = Role.SYSTEM if auto_confirm else Role.OPERATOR if confirm_now else None
        if confirmed_by is not None:
            booking.attempt = policies.Attempt(action="confirm", role=confirmed_by, now=moment)
            booking.confirm(at=moment)
            booking.attempt = None
        _insert_with_reference(booking)
        history = [
            _event(
                booking,
                action="create",
                from_state="",
                to_state=State.PENDING.value,
                actor=actor,
                role=role,
                now=moment,
                reason=override_reason.strip() if inside_notice else "",
                details={
                    policies.NOTICE_OVERRIDE: True,
                    "min_notice_minutes": site.policy.min_notice_minutes,
                }
                if inside_notice
                else None,
            )
        ]
        if confirmed_by is not None:
            # Confirmed in the same step: by the site's rule (the system) or the operator's "now".
            system = confirmed_by is Role.SYSTEM
            history.append(
                _event(
                    booking,
                    action="confirm",
                    from_state=State.PENDING.value,
                    to_state=booking.state,
                    actor=None if system else actor,
                    role=confirmed_by,
                    now=moment,
                    reason="auto-confirm" if system else "",
                )
            )
        BookingEvent.objects.bulk_create(history)
        events.booking_created(booking, role=role, now=moment, confirmed_by=confirmed_by)
    # What a reader shows of it from the other apps, known here: no read back (the API's answer).
    readmodel.attach_listed(
        booking,
        site=readmodel.SiteRef(
            id=site.policy.id, name=site.policy.name, timezone=site.policy.timezone
        ),
        resource=readmodel.ResourceRef(id=resource.id, name=resource.name),
        vehicle_id=vehicle.id,
        service_code=requirements.code,
        confirmation_window_minutes=site.policy.confirmation_window_minutes,
    )
    if owner_id == actor.pk:
        booking.customer = actor
    return booking
