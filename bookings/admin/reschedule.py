"""Rescheduling from the back-office: a page listing the free starts of a local day for the
booking's service, vehicle category and options at its site (the same availability the service
checks), and the booking reschedule service called with the operator as the actor. A refusal
(the slot was taken meanwhile, the booking has started...) is shown as the service's message and
changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import selectors, services
from bookings.admin import permissions
from bookings.admin.presentation import Button, admin_url, local, site_timezone
from bookings.admin.transitions import safe_next
from bookings.domain.days import local_day_bounds
from bookings.domain.states import Role, State, allowed_transitions
from bookings.models import Booking
from core.admin_writes import actor_of, refusal_text
from core.errors import DomainError
from scheduling import public as scheduling


class RescheduleForm(forms.Form):
    """The new start as the page offered it: an ISO datetime with its offset. Whether it is still
    free is the service's say, under its lock."""

    start = forms.CharField(
        label=gettext_lazy("New start"),
        error_messages={"required": gettext_lazy("Choose one of the free start times.")},
    )
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean_start(self) -> datetime:
        raw = self.cleaned_data["start"].strip()
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise forms.ValidationError(_("Choose one of the free start times."))
        return moment


def can_reschedule(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking
) -> bool:
    return "reschedule" in allowed_transitions(
        State(booking.state), Role.OPERATOR
    ) and permissions.may_operate(model_admin, request, booking)


def reschedule_button(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking
) -> Button | None:
    """Shown when the state machine lets an operator reschedule (timing is the service's say)."""
    if not can_reschedule(model_admin, request, booking):
        return None
    return Button(
        "reschedule", _("Reschedule…"), admin_url(model_admin, "reschedule", booking.pk), True
    )


def _day(request: HttpRequest, booking: Booking) -> date:
    """The local day asked for (GET or POST), else the booking's own day."""
    default = booking.start.astimezone(site_timezone(booking)).date()
    raw = (request.POST.get("day") or request.GET.get("day") or "").strip()
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Enter a date as YYYY-MM-DD: showing the booking's day."))
        return default
    if not scheduling.FIRST_DAY <= day <= scheduling.LAST_DAY:
        messages.error(request, _("This date is out of range: showing the booking's day."))
        return default
    return day


def free_starts(booking: Booking, day: date) -> list[datetime]:
    """The free starts of the local `day` for this booking, its own time counting as free."""
    tz = site_timezone(booking)
    start, end = local_day_bounds(day, day, tz)
    return [
        moment.astimezone(tz)
        for moment in selectors.reschedule_starts(booking, start=start, end=end)
    ]


def _page_url(
    model_admin: ModelAdmin[Booking], booking: Booking, day: date, back: str | None
) -> str:
    query = {"day": day.isoformat(), **({"next": back} if back else {})}
    return f"{admin_url(model_admin, 'reschedule', booking.pk)}?{urlencode(query)}"


def reschedule_view(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str
) -> HttpResponse:
    booking = permissions.booking_to_act_on(model_admin, request, object_id, "reschedule")
    back = safe_next(request)
    change_url = admin_url(model_admin, "change", booking.pk)
    if not can_reschedule(model_admin, request, booking):
        messages.error(
            request,
            _("A %(state)s booking cannot be rescheduled.")
            % {"state": Booking.StateChoices(booking.state).label.lower()},
        )
        return HttpResponseRedirect(back or change_url)
    day = _day(request, booking)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.booking_reschedule(
                booking_id=booking.pk, actor=actor_of(request), start=form.cleaned_data["start"]
            )
        except DomainError as error:
            messages.error(request, refusal_text(error))
            return HttpResponseRedirect(_page_url(model_admin, booking, day, back))
        moved_to = moved.start.astimezone(site_timezone(booking))
        messages.success(
            request,
            _("Booking %(reference)s moved to %(start)s.")
            % {"reference": booking.reference, "start": f"{moved_to:%Y-%m-%d %H:%M %Z}"},
        )
        return HttpResponseRedirect(back or change_url)

    try:
        starts = free_starts(booking, day)
    except DomainError as error:  # e.g. the service has been withdrawn since
        messages.error(request, refusal_text(error))
        starts = []
    current = booking.start.astimezone(site_timezone(booking))
    labels = [f"{moment:%H:%M}" for moment in starts]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Reschedule booking %(reference)s") % {"reference": booking.reference},
        "opts": model_admin.opts,
        "original": booking,
        "booking": booking,
        "form": form,
        "day": day,
        "current_start": local(booking, "start"),
        "choices": [
            # The October change shows 02:00-02:59 twice: the zone's abbreviation tells them
            # apart. Instants compare in UTC (`==` on one zone ignores which 02:30 it is).
            (
                moment.isoformat(),
                f"{label} {moment:%Z}" if labels.count(label) > 1 else label,
                moment.astimezone(UTC) == current.astimezone(UTC),
            )
            for moment, label in zip(starts, labels, strict=True)
        ],
        "previous_url": _page_url(model_admin, booking, day - timedelta(days=1), back),
        "next_url": _page_url(model_admin, booking, day + timedelta(days=1), back),
        "next": back or "",
        "back_url": back or change_url,
        "timezone": str(site_timezone(booking)),
    }
    return TemplateResponse(request, "admin/bookings/booking/reschedule.html", context)
