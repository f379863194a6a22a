"""The actor's role toward a booking (SPEC §6), decided here once for the selectors (what a user
sees), the services (what they may do), the API (how a booking reads to them) and the admin
(which buttons they get).

- No actor: the system (scheduled jobs).
- An operator (staff in the operator group, or a superuser): every booking.
- The booking's customer: their own bookings.
- A technician: the bookings of the resources linked to their account.

Each fact is read once per ActorRoles and only when a decision needs it (a customer's own
booking never asks whether they are a technician), so one ActorRoles per request or use case
costs at most three small queries."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from accounts import public as accounts
from bookings.domain.codes import BookingErrorCode
from bookings.domain.states import Role
from core.errors import NotFound
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User
    from bookings.models import Booking

_CACHE = "_bookings_actor_roles"


class ActorRoles:
    def __init__(self, user: User | None) -> None:
        self.user = user

    @cached_property
    def is_operator(self) -> bool:
        return self.user is not None and accounts.is_operator(self.user)

    @cached_property
    def technician_resources(self) -> frozenset[int] | None:
        """The resources whose bookings the user works as a technician who is not an operator;
        None for everyone else."""
        if self.user is None or self.is_operator or not accounts.is_technician(self.user):
            return None
        return frozenset(scheduling.resource_pks_of_technician(user_id=self.user.pk))

    def is_customer_of(self, booking: Booking) -> bool:
        return self.user is not None and booking.customer_id == self.user.pk

    def is_assigned_to(self, booking: Booking) -> bool:
        """The user is the (non-operator) technician of the booking's resource."""
        resources = self.technician_resources
        return resources is not None and booking.resource_id in resources

    def toward(self, booking: Booking) -> Role | None:
        """The role toward this booking; None when it is none of the user's business."""
        if self.user is None:
            return Role.SYSTEM
        if self.is_operator:
            return Role.OPERATOR
        if self.is_customer_of(booking):
            return Role.CUSTOMER
        if self.is_assigned_to(booking):
            return Role.TECHNICIAN
        return None

    def role_toward(self, booking: Booking) -> Role:
        """As `toward`, a booking of none of their business not existing for them (404)."""
        role = self.toward(booking)
        if role is None:
            raise NotFound(code=BookingErrorCode.BOOKING_NOT_FOUND)
        return role


def roles_of(request: Any) -> ActorRoles:
    """The request's user's roles, cached on the request (the views and buttons ask often)."""
    cached = getattr(request, _CACHE, None)
    if cached is None:
        cached = ActorRoles(request.user)
        setattr(request, _CACHE, cached)
    return cached
