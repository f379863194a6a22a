"""Waiving or reducing a fee: an operator's decision about money already due, never a state
change (docs/rules/bookings.md, "Fee waiver")."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from bookings import events
from bookings.domain.codes import BookingErrorCode
from bookings.domain.states import Role, State
from bookings.models import Booking
from bookings.roles import ActorRoles
from bookings.services._common import _locked, _record
from core.clock import resolve_now
from core.errors import Conflict, PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from accounts.models import User

FEE_WAIVED = "fee_waived"  # the history row's action
WAIVABLE_STATES = frozenset({State.CANCELLED, State.NO_SHOW})


def booking_fee_waive(
    *,
    booking_id: UUID | int,
    actor: User,
    reason: str,
    fee: Decimal = Decimal("0.00"),
    now: datetime | None = None,
) -> Booking:
    """The fee of a cancelled or no-show booking becomes `fee` (0: waived; less than it was:
    reduced), for `reason`, by an operator. The history row keeps the fee before and after; the
    exports show them. PermissionDenied for anyone else, Conflict (no_fee_to_waive) when the
    booking has no fee, ValidationFailed for a missing reason or a fee that does not lower it."""
    moment = resolve_now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": [_("Say why the fee is waived or reduced.")]})
    try:
        new_fee = Decimal(fee).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(details={"fee": [_("Enter an amount.")]}) from exc
    with transaction.atomic():
        booking = _locked(booking_id)
        role = ActorRoles(actor).role_toward(booking)
        if role is not Role.OPERATOR:
            raise PermissionDenied(_("Only operators may waive or reduce a fee."))
        previous = booking.fee
        if State(booking.state) not in WAIVABLE_STATES or not previous:
            raise Conflict(
                _("This booking has no fee to waive."), code=BookingErrorCode.NO_FEE_TO_WAIVE
            )
        if not Decimal("0.00") <= new_fee < previous:
            message = _("The new fee is from 0 to less than %(fee)s.") % {"fee": previous}
            raise ValidationFailed(message, details={"fee": [message]})
        booking.fee = new_fee
        booking.save(update_fields=["fee", "updated_at"])
        _record(
            booking,
            action=FEE_WAIVED,
            from_state=booking.state,
            actor=actor,
            role=role,
            now=moment,
            reason=reason,
            details={"fee_before": str(previous), "fee": str(new_fee)},
        )
        events.booking_fee_changed(booking, role=role, now=moment, fee_before=previous)
    return booking
