"""What a customer's bookings keep when the customer closes their account (accounts'
account_erased; the rule: docs/rules/accounts.md, "Erasure")."""

from __future__ import annotations

from django.db.models import Q

from bookings.domain.states import State
from bookings.models import Booking

# An accounting record: something was charged (the work done, or a fee), so the booking keeps
# its copy of the plate, service, times and amounts for the books.
ACCOUNTING = Q(state=State.COMPLETED) | Q(state__in=[State.CANCELLED, State.NO_SHOW], fee__gt=0)
ERASED_PLATE = "ERASED"


def bookings_erase_customer(*, customer_id: int) -> tuple[int, int]:
    """Free text goes from every booking of the customer (their note, their rating's comment);
    the plate copy goes from every booking that is not an accounting record. Returns how many
    bookings kept their plate and how many lost it."""
    bookings = Booking.objects.filter(customer_id=customer_id)
    bookings.update(customer_note="", rating_comment="")
    kept = bookings.filter(ACCOUNTING).count()
    erased = bookings.exclude(ACCOUNTING).update(vehicle_plate=ERASED_PLATE)
    return kept, erased
