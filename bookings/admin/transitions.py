"""The back-office's transition buttons, views and bulk actions. Each calls the booking service the
API calls, with the logged-in operator as the actor; a refusal shows the service's message and
changes nothing. Bulk actions run each booking through the service in its own transaction, so
one refusal does not undo the others. Who may press what: bookings.admin.permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin, helpers
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bookings import services
from bookings.admin import permissions
from bookings.admin.presentation import Button, admin_url, local
from bookings.domain.states import Role, State, allowed_transitions
from bookings.models import Booking
from core.admin_writes import actor_of, refusal_text
from core.errors import DomainError

if TYPE_CHECKING:
    from accounts.models import User

MAX_LISTED_REFUSALS = 10

Transition = Callable[..., Booking]

# The one-click transitions; cancel needs a reason, so it has its own page.
ONE_CLICK: dict[str, tuple[Transition, Any, Any]] = {
    "confirm": (
        services.booking_confirm,
        gettext_lazy("Confirm"),
        gettext_lazy("Booking %(reference)s confirmed."),
    ),
    "start": (
        services.booking_start,
        gettext_lazy("Start"),
        gettext_lazy("Booking %(reference)s started."),
    ),
    "complete": (
        services.booking_complete,
        gettext_lazy("Complete"),
        gettext_lazy("Booking %(reference)s completed."),
    ),
    "no_show": (
        services.booking_no_show,
        gettext_lazy("No-show"),
        gettext_lazy("Booking %(reference)s marked as no-show."),
    ),
}


class CancelReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Kept in the booking's history and sent to the customer."),
    )


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def buttons(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking
) -> list[Button]:
    """The transitions the state machine allows an operator (or the assigned technician: start
    and complete) now; timing is the service's say."""
    if permissions.is_assigned(request, booking):
        return [
            Button(
                action,
                str(ONE_CLICK[action][1]),
                admin_url(model_admin, "transition", booking.pk, action),
            )
            for action in allowed_transitions(State(booking.state), Role.TECHNICIAN)
            if action in permissions.TECHNICIAN_ACTIONS
        ]
    if not permissions.may_operate(model_admin, request, booking):
        return []
    shown: list[Button] = []
    for action in allowed_transitions(State(booking.state), Role.OPERATOR):
        if action in ONE_CLICK:
            label = str(ONE_CLICK[action][1])
            shown.append(
                Button(action, label, admin_url(model_admin, "transition", booking.pk, action))
            )
        elif action == "cancel":
            shown.append(
                Button(action, _("Cancel…"), admin_url(model_admin, "cancel", booking.pk), True)
            )
    return shown


def safe_next(request: HttpRequest) -> str | None:
    """Where to go back after an action (e.g. the planning board): a `next` on this site only."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def transition_view(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str, action: str
) -> HttpResponse:
    if request.method != "POST":  # a GET must never change a booking
        return HttpResponseRedirect(admin_url(model_admin, "change", object_id))
    if action not in ONE_CLICK:
        raise Http404(_("Unknown action."))
    booking = permissions.booking_to_act_on(model_admin, request, object_id, action)
    use_case, _label, done = ONE_CLICK[action]
    try:
        use_case(booking_id=booking.pk, actor=actor_of(request))
    except DomainError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, str(done) % {"reference": booking.reference})
    return HttpResponseRedirect(safe_next(request) or admin_url(model_admin, "change", booking.pk))


def cancel_view(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str
) -> HttpResponse:
    booking = permissions.booking_to_act_on(model_admin, request, object_id, "cancel")
    form = CancelReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking_id=booking.pk, actor=actor_of(request), reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(
                request, _("Booking %(reference)s cancelled.") % {"reference": booking.reference}
            )
        return HttpResponseRedirect(
            safe_next(request) or admin_url(model_admin, "change", booking.pk)
        )
    return _cancel_page(model_admin, request, [booking], form, bulk=False)


def _cancel_page(
    model_admin: ModelAdmin[Booking],
    request: HttpRequest,
    bookings: list[Booking],
    form: CancelReasonForm,
    *,
    bulk: bool,
) -> TemplateResponse:
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Cancel bookings")
        if bulk
        else _("Cancel booking %(reference)s") % {"reference": bookings[0].reference},
        "opts": opts,
        "bookings": [(booking, local(booking, "start")) for booking in bookings],
        "form": form,
        "bulk": bulk,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back_url": admin_url(model_admin, "changelist")
        if bulk
        else safe_next(request) or admin_url(model_admin, "change", bookings[0].pk),
    }
    return TemplateResponse(request, "admin/bookings/booking/cancel.html", context)


def _run_each(
    request: HttpRequest,
    queryset: QuerySet[Booking],
    apply: Callable[[int], object],
    done_message: Callable[[int], str],
) -> None:
    """Each booking through the service on its own; one summary of what was done and refused."""
    done = 0
    refusals: list[str] = []
    for pk, reference in queryset.order_by("start", "pk").values_list("pk", "reference"):
        try:
            apply(pk)
        except DomainError as error:
            refusals.append(f"{reference}: {refusal_text(error)}")
        else:
            done += 1
    if done:
        messages.success(request, done_message(done))
    if refusals:
        listed = refusals[:MAX_LISTED_REFUSALS]
        more = len(refusals) - len(listed)
        text = ngettext(
            "%(count)d booking refused: %(reasons)s",
            "%(count)d bookings refused: %(reasons)s",
            len(refusals),
        ) % {"count": len(refusals), "reasons": "; ".join(listed)}
        if more:
            text += " " + _("(and %(more)d more)") % {"more": more}
        messages.error(request, text)


@admin.action(description=gettext_lazy("Confirm selected bookings"), permissions=["change"])
def confirm_selected(
    model_admin: ModelAdmin[Booking], request: HttpRequest, queryset: QuerySet[Booking]
) -> None:
    permissions.require_operator(request)
    actor = actor_of(request)
    _run_each(
        request,
        queryset,
        lambda pk: services.booking_confirm(booking_id=pk, actor=actor),
        lambda n: (
            ngettext("%(count)d booking confirmed.", "%(count)d bookings confirmed.", n)
            % {"count": n}
        ),
    )


@admin.action(description=gettext_lazy("Cancel selected bookings…"), permissions=["change"])
def cancel_selected(
    model_admin: ModelAdmin[Booking], request: HttpRequest, queryset: QuerySet[Booking]
) -> TemplateResponse | None:
    """First an intermediate page asking for the one reason, then each booking cancelled."""
    permissions.require_operator(request)
    form = CancelReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        actor = actor_of(request)
        reason = form.cleaned_data["reason"]
        _run_each(
            request,
            queryset,
            lambda pk: services.booking_cancel(booking_id=pk, actor=actor, reason=reason),
            lambda n: (
                ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n)
                % {"count": n}
            ),
        )
        return None  # back to the changelist
    bookings = list(queryset.order_by("start", "pk"))
    return _cancel_page(model_admin, request, bookings, form, bulk=True)
