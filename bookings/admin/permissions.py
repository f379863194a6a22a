"""Who may do what in the bookings back-office, decided here once: the list, the change page, the
transition buttons and views, the bulk actions, the reschedule page, the planning board and the
dashboard all ask this module.

- An operator (or administrator) with the change permission may act on every booking the state
  machine lets an operator act on.
- A technician who is not an operator sees only the jobs of their resources and may start and
  complete them (SPEC §6); nothing else.
- The dashboard counts every booking: operators with the view permission only; so does the
  planning board's cell explanation (it names other customers' bookings).
- The booking desk (and its override of the minimum notice): operators with the change
  permission.
- Moving a booking on the board is a reschedule: an operator with the change permission.
- A change of hours over bookings (close time, a date's hours, a resource's deactivation): an
  operator with the change permission on bookings and the scheduling permissions that change
  needs on its own pages (add a closure; add and change a date exception; change a resource)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from bookings.domain.states import TRANSITIONS, Role
from bookings.models import Booking
from bookings.roles import ActorRoles, roles_of

if TYPE_CHECKING:
    pass

# What a technician may do in the back-office on the jobs of their resources.
TECHNICIAN_ACTIONS = frozenset(
    name for name, t in TRANSITIONS.items() if Role.TECHNICIAN in t.roles
)


def is_operator(request: HttpRequest) -> bool:
    """The request's user is an operator (bookings.roles, cached on the request)."""
    return roles_of(request).is_operator


def technician_resources(request: HttpRequest) -> list[int] | None:
    """The resources whose bookings a technician (who is not an operator) works, which is all
    the back-office shows them; None for everyone else."""
    resources = roles_of(request).technician_resources
    return None if resources is None else sorted(resources)


def is_assigned(request: HttpRequest, booking: Booking) -> bool:
    """The request's user is the technician assigned to the booking's resource."""
    return roles_of(request).is_assigned_to(booking)


def may_operate(model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking) -> bool:
    """An operator with the change permission on this booking."""
    return model_admin.has_change_permission(request, booking) and is_operator(request)


def may_act(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking, action: str
) -> bool:
    """The user may try `action` on the booking here (the state machine and timing decide the
    rest): the assigned technician for start and complete, else an operator."""
    if action in TECHNICIAN_ACTIONS and is_assigned(request, booking):
        return True
    return may_operate(model_admin, request, booking)


def booking_to_act_on(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str, action: str
) -> Booking:
    """The booking, if the user may try `action` on it here. A booking the user does not see (a
    colleague's job, for a technician) does not exist for them (404); one they see but may not
    change is refused (403)."""
    booking = model_admin.get_object(request, unquote(object_id))
    if booking is None:
        raise Http404(_("No booking with this id."))
    if not may_act(model_admin, request, booking, action):
        raise PermissionDenied
    return booking


def may_book(model_admin: ModelAdmin[Booking], request: HttpRequest) -> bool:
    """The booking desk (phone and walk-in bookings, the minimum-notice override): operators
    with the change permission on bookings."""
    return model_admin.has_change_permission(request) and is_operator(request)


def may_change_hours(
    model_admin: ModelAdmin[Booking], request: HttpRequest, permissions: tuple[str, ...]
) -> bool:
    """The pages that change hours over bookings: an operator who may change bookings and has
    `permissions` (the scheduling ones of that change)."""
    return (
        model_admin.has_change_permission(request)
        and is_operator(request)
        and request.user.has_perms(permissions)
    )


def may_explain(model_admin: ModelAdmin[Booking], request: HttpRequest) -> bool:
    """The planning board's cell explanation names the bookings that block a resource (any
    customer's) and the closures' reasons: operators with the view permission, not a technician
    (who sees only their own jobs)."""
    return model_admin.has_view_permission(request) and is_operator(request)


def require_operator(request: HttpRequest) -> None:
    """Bulk actions are the operators'."""
    if not is_operator(request):
        raise PermissionDenied


def may_see_dashboard(user: Any) -> bool:
    """Operators (and administrators) with the bookings view permission: the dashboard counts
    every booking, so a technician, who sees only their own jobs, does not get it."""
    return bool(
        getattr(user, "is_staff", False)
        and user.has_perm("bookings.view_booking")
        and ActorRoles(user).is_operator
    )
