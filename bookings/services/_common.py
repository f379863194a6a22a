"""Plumbing shared by the booking use cases (not an entry point: import bookings.services)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import readmodel, selectors
from bookings.domain.codes import BookingErrorCode
from bookings.domain.errors import SlotUnavailable, VehicleAlreadyBooked
from bookings.domain.policies import Timing
from bookings.domain.reference import new_reference
from bookings.domain.states import Role
from bookings.events import LOST_RACES
from bookings.models import Booking, BookingEvent
from core.errors import Conflict, ErrorCode, LockTimeout, NotFound
from core.locking import (
    constraint_name,
    is_exclusion_violation,
    is_unique_violation,
    lock_keys,
    locked_transaction,
    try_lock_key,
)
from pricing import public as pricing
from scheduling import public as scheduling
from scheduling.public import Reason

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

RESOURCE_LOCK = "bookings.resource"
CUSTOMER_LOCK = "bookings.customer"  # their pending bookings are counted under it
# bookings/migrations: the exclusion constraints on PostgreSQL.
VEHICLE_CONSTRAINT = "bookings_booking_vehicle_no_overlap"
REFERENCE_ATTEMPTS = 10


# The policies' settings are read in one place, for the services and the API's outlook alike.
fee_tiers = selectors.fee_tiers
policy_settings = selectors.policy_settings


def _busy() -> LockTimeout:
    LOST_RACES.labels("slot_unavailable").inc()
    return LockTimeout(
        _("This time slot is being booked by someone else; try again."),
        code=BookingErrorCode.SLOT_UNAVAILABLE,
    )


@contextmanager
def _guarded() -> Iterator[None]:
    """A booking use case's transaction, where a lost race is a clean 409, never a 500: every
    lock wait bounded by the lock timeout (a wait that ran out, 55P03, or a deadlock the database
    broke, 40P01: LockTimeout, with Retry-After), the exclusion constraint (23P01)."""
    try:
        with locked_transaction(_busy):
            yield
    except IntegrityError as exc:
        if is_exclusion_violation(exc):
            if constraint_name(exc) == VEHICLE_CONSTRAINT:
                LOST_RACES.labels(VehicleAlreadyBooked.code).inc()
                raise VehicleAlreadyBooked() from exc
            LOST_RACES.labels(SlotUnavailable.code).inc()
            raise SlotUnavailable() from exc
        raise


def _timing(booking: Booking) -> Timing:
    return booking.timing()


def _locked(booking_id: UUID | int, *, with_resource: bool = False) -> Booking:
    """The booking row, locked for the rest of the transaction; `with_resource` annotates its
    resource's public id and name (read in the same query)."""
    queryset = Booking.objects.select_for_update(of=("self",))
    if with_resource:
        queryset = queryset.annotate(**readmodel.RESOURCE)
    lookup: dict[str, UUID | int] = (
        {"pk": booking_id} if isinstance(booking_id, int) else {"public_id": booking_id}
    )
    booking = queryset.filter(**lookup).first()
    if booking is None:
        raise NotFound(code=BookingErrorCode.BOOKING_NOT_FOUND)
    return booking


def _event(
    booking: Booking,
    *,
    action: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    role: Role,
    now: datetime,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> BookingEvent:
    """One history row, not yet saved (several are written in one bulk insert)."""
    return BookingEvent(
        booking=booking,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_role=role.value,
        at=now,
        reason=reason,
        details=details or {},
    )


def _record(
    booking: Booking,
    *,
    action: str,
    from_state: str,
    actor: User | None,
    role: Role,
    now: datetime,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    _event(
        booking,
        action=action,
        from_state=from_state,
        to_state=booking.state,
        actor=actor,
        role=role,
        now=now,
        reason=reason,
        details=details,
    ).save()


def _assign_locked(
    *,
    site: scheduling.BookableSite,
    requirements: pricing.ServiceRequirements,
    start: datetime,
    blocked_until: datetime,
    now: datetime,
    operator: bool,
    ignore: Sequence[scheduling.BusyInterval] = (),
    only_resource: int | None = None,
    held: scheduling.HeldTime | None = None,
) -> scheduling.ResourceInfo:
    """A free resource for [start, blocked_until), its calendar locked for the rest of the
    transaction (docs/rules/bookings.md, "Resource assignment"). The free resources are read once,
    best first; each candidate's lock is TRIED in that order (never waiting behind a concurrent
    booking that prefers the same one); only if every lock is held elsewhere are they waited for,
    one at a time in pk order (no deadlock between two such waiters; lock_timeout bounds the
    wait). Holding a lock, one small read of that resource's busy time decides; a taken one passes
    to the next. None free at all: the precise refusal (scheduling.start_refusal); every free
    one lost to a concurrent booking: SlotUnavailable. The exclusion constraint still has the
    last word. `only_resource`: an operator's choice of resource (pk), the only candidate
    (the phone desk's choice, the board's move), refused with that resource's own reasons.
    `held`: the day's held time of the site's resources, read by the caller with its own rows
    (selectors.customer_load), else the ranking reads it."""
    candidates = scheduling.ranked_free_resources(
        site=site,
        requirements=requirements,
        start=start,
        now=now,
        ignore_busy=ignore,
        held=held,
    )
    others_free = False
    if only_resource is not None:
        others_free = bool(candidates)
        candidates = [c for c in candidates if c.pk == only_resource]
    if not candidates:
        # Not offered: say why (docs/rules/scheduling.md, "Why a start is refused"); the
        # operator's view names the resources, closures and bookings.
        refusal = scheduling.start_refusal(
            site=site,
            requirements=requirements,
            start=start,
            now=now,
            operator=operator,
            ignore_busy=ignore,
            resource_pk=only_resource,
        )
        if refusal is not None:
            raise refusal
        if others_free:
            raise SlotUnavailable(
                _("The chosen resource is not free at this start; another one is."),
                code=Reason.TAKEN,
            )

    def still_free(candidate: scheduling.ResourceInfo) -> bool:
        return scheduling.resource_is_free(
            resource_pk=candidate.pk, start=start, until=blocked_until, ignore_busy=ignore
        )

    locked: set[int] = set()
    for candidate in candidates:
        if try_lock_key(RESOURCE_LOCK, candidate.pk):
            locked.add(candidate.pk)
            if still_free(candidate):
                return candidate
    for candidate in sorted(candidates, key=lambda c: c.pk):
        if candidate.pk in locked:
            continue
        lock_keys(RESOURCE_LOCK, [candidate.pk])
        locked.add(candidate.pk)
        if still_free(candidate):
            return candidate
    # The words scheduling uses when a start is not (or no longer) free.
    raise SlotUnavailable(
        _("This start time is no longer available."), code=BookingErrorCode.SLOT_UNAVAILABLE
    )


def _is_reference_clash(exc: IntegrityError) -> bool:
    """The unique constraint on the reference (a random clash), not an overlap or anything else."""
    if is_unique_violation(exc):  # PostgreSQL
        return "reference" in constraint_name(exc)
    return "bookings_booking.reference" in str(exc)  # SQLite names the column


def _insert_with_reference(booking: Booking) -> None:
    """Inserts the new booking under a fresh random reference, in a savepoint (so that a lost
    race, 23P01, leaves the transaction usable for the 409); a reference clash, and only that,
    retries with another."""
    for _attempt in range(REFERENCE_ATTEMPTS):
        booking.reference = new_reference()
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
        except IntegrityError as exc:
            if _is_reference_clash(exc):
                continue
            raise
        return
    raise Conflict(_("Could not allocate a booking reference; try again."), code=ErrorCode.BUSY)


def _subtotal_before_promo(quote: pricing.Quote) -> Decimal:
    return sum((line.amount for line in quote.lines if line.kind != "promo"), Decimal("0"))


def _release_promo(booking: Booking, moment: datetime) -> None:
    if booking.promo_redemption_id is not None:
        pricing.promo_release(redemption_id=booking.promo_redemption_id, now=moment)
