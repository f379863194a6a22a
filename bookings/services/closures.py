"""A change of hours over booked time (docs/rules/bookings.md, "A change of hours that hits
bookings"): a closure, a date exception that removes hours or a resource's deactivation is
written, then each active booking it hits is moved to another compatible resource at
the same time, moved to its next free start, or cancelled by the operator (no fee, the reason
given), as the operator chose, through the reschedule and cancel use cases (so the customers hear
of it through their events). What could not be moved is reported, never left silently."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts import public as accounts
from bookings import selectors
from bookings.models import Booking
from bookings.services.changes import booking_reschedule
from bookings.services.transitions import booking_cancel
from core.clock import resolve_now
from core.errors import DomainError, PermissionDenied, ValidationFailed
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User

SAME_TIME = "same_time"  # another compatible resource, at the same start
NEXT_FREE = "next_free"  # the first free start after the closure (any resource)
CANCEL = "cancel"
CHOICES = (SAME_TIME, NEXT_FREE, CANCEL)
SEARCH_DAYS = 14  # how far "the next free start" is looked for


@dataclass(frozen=True)
class HitOutcome:
    booking_pk: int
    reference: str
    choice: str
    done: bool
    message: str  # what happened, or why not
    start: datetime | None = None  # where it went, when moved


def _move_next_free(booking: Booking, actor: User, after: datetime, now: datetime) -> Booking:
    starts = selectors.reschedule_starts(
        booking, start=after, end=after + timedelta(days=SEARCH_DAYS), now=now
    )
    if not starts:
        raise ValidationFailed(
            _("No free start in the next %(days)d days.") % {"days": SEARCH_DAYS}
        )
    return booking_reschedule(booking_id=booking.pk, actor=actor, start=starts[0], now=now)


def _resume_at(change: scheduling.HoursChange, booking: Booking) -> datetime:
    """Where its next free start is looked for: after the removed time that hits it (a closure's
    end, the end of the hours a date exception removes), or from its own start when that time is
    removed for good (a deactivation: another resource, from the same time on)."""
    ends = [
        time.end
        for time in change.removed
        if time.start < booking.end and (time.end is None or time.end > booking.start)
    ]
    finite = [end for end in ends if end is not None]
    if len(finite) < len(ends) or not finite:
        return booking.start
    return max(finite)


def _handle(
    booking: Booking, choice: str, *, actor: User, after: datetime, reason: str, now: datetime
) -> HitOutcome:
    try:
        if choice == SAME_TIME:
            moved = booking_reschedule(
                booking_id=booking.pk, actor=actor, start=booking.start, now=now
            )
            done = moved.resource_id != booking.resource_id
            message = (
                _("Moved to %(resource)s at the same time.") % {"resource": moved.resource}
                if done
                else _("No other resource is free at that time.")
            )
            return HitOutcome(booking.pk, booking.reference, choice, done, message, moved.start)
        if choice == NEXT_FREE:
            moved = _move_next_free(booking, actor, after, now)
            return HitOutcome(
                booking.pk,
                booking.reference,
                choice,
                True,
                _("Moved to its next free start."),
                moved.start,
            )
        booking_cancel(booking_id=booking.pk, actor=actor, reason=reason, now=now)
        return HitOutcome(booking.pk, booking.reference, CANCEL, True, _("Cancelled."))
    except DomainError as error:
        return HitOutcome(booking.pk, booking.reference, choice, False, error.translated(_))


def hours_change_over_bookings(
    *,
    actor: User,
    change: scheduling.HoursChange,
    choices: Mapping[int, str],
    default: str = CANCEL,
    now: datetime | None = None,
) -> list[HitOutcome]:
    """The one way a change of hours that may hit bookings is saved (a closure, a date exception
    that removes hours, a resource's deactivation; `change` as scheduling proposed it): the
    active bookings it hits are read, the change is written through its own use case
    (`scheduling.hours_change_save`), then every hit booking is handled by `choices[booking pk]`
    (`default` for one not in it, e.g. booked since the list was shown) through the reschedule
    and cancel use cases. The outcome per booking says whether it was done; a booking that could
    not be moved keeps its time and is reported (move it or cancel it: nothing stays silently), and
    so is one still inside the removed time afterwards (booked while the change was saved)."""
    if not accounts.is_operator(actor):
        raise PermissionDenied()
    if not change.reason.strip():
        raise ValidationFailed(details={"reason": [_("Say why the time is closed.")]})
    moment = resolve_now(now)
    hit = selectors.bookings_hit_by_change(change)
    scheduling.hours_change_save(change=change, actor=actor)
    outcomes = [
        _handle(
            booking,
            choices.get(booking.pk, default),
            actor=actor,
            after=max(_resume_at(change, booking), moment),
            reason=change.reason,
            now=moment,
        )
        for booking in hit
    ]
    return outcomes + _left_inside(change, reported={o.booking_pk for o in outcomes if not o.done})


def _left_inside(change: scheduling.HoursChange, *, reported: set[int]) -> list[HitOutcome]:
    """The active bookings still inside the removed time once the change is saved and the choices
    applied, but those already reported as not moved: booked meanwhile (their own check ran
    before the change was written), so never listed. Reported, never left silently."""
    return [
        HitOutcome(
            booking.pk,
            booking.reference,
            "",
            False,
            _(
                "Booked while the change was saved: it is still inside the removed hours. "
                "Move it or cancel it."
            ),
        )
        for booking in selectors.bookings_hit_by_change(change)
        if booking.pk not in reported
    ]


def closure_create_over_bookings(
    *,
    actor: User,
    start: datetime,
    end: datetime,
    reason: str,
    choices: Mapping[int, str],
    site_pk: int | None = None,
    resource_pk: int | None = None,
    default: str = CANCEL,
    now: datetime | None = None,
) -> list[HitOutcome]:
    """`hours_change_over_bookings` for a closure of the site or of the resource."""
    change = scheduling.closure_change(
        start=start, end=end, reason=reason, site_pk=site_pk, resource_pk=resource_pk
    )
    return hours_change_over_bookings(
        actor=actor, change=change, choices=choices, default=default, now=now
    )
