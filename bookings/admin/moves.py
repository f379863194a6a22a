"""Moving a booking on the planning board (docs/rules/bookings.md, "Moving a booking"): a block
dragged to another start and/or resource, or the keyboard's "Move…" form (resource and start),
posts here; the one reschedule use case (`booking_reschedule` with the target resource) decides,
records the history row and tells the customer (its event). A refusal comes back to the board
with the reasons (the refusal codes' messages, DomainError.detail_lines) and nothing changed.

Without JavaScript the "Move…" link opens this page: a small form of resource and start."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import services
from bookings.admin import permissions
from bookings.admin.planning import board_url_of
from bookings.admin.presentation import admin_url, local, site_timezone
from bookings.admin.reschedule import can_reschedule
from bookings.admin.transitions import safe_next
from bookings.models import Booking
from core.admin_writes import actor_of, refusal_text
from core.errors import DomainError
from scheduling import public as scheduling

TEMPLATE = "admin/bookings/booking/move.html"
WALL_FORMAT = "%Y-%m-%dT%H:%M"


class MoveForm(forms.Form):
    """Where to: one of the site's active resources and a start, either ISO 8601 with its offset
    (the board's drop) or a wall time on the site's clock (the form's field)."""

    resource = forms.TypedChoiceField(label=gettext_lazy("Resource"), coerce=int)
    start = forms.CharField(
        label=gettext_lazy("New start"),
        help_text=gettext_lazy("On the site's clock."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}),
    )

    def __init__(
        self,
        *args: Any,
        resources: list[tuple[int, str]],
        tz: ZoneInfo,
        current: datetime,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        self.tz = tz
        self.current = current.astimezone(tz)  # the booking's start: its wall time and fold
        self.fields["resource"].choices = resources  # type: ignore[attr-defined]

    def clean_start(self) -> datetime:
        raw = self.cleaned_data["start"].strip().replace(" ", "+")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        if moment.tzinfo is not None:
            return moment
        # A wall time (the form) is read on the site's clock; the service refuses one it skips.
        in_range = scheduling.FIRST_DAY <= moment.date() <= scheduling.LAST_DAY
        if not in_range or not _repeated(moment, self.tz):  # out of range: the use case refuses
            return moment.replace(tzinfo=self.tz)
        # In the hour the clocks go back the wall time is two instants: the booking's own one
        # keeps its fold (moved to another resource only); any other is not guessed.
        if moment == self.current.replace(tzinfo=None):
            return moment.replace(tzinfo=self.tz, fold=self.current.fold)
        raise forms.ValidationError(
            _(
                "%(time)s happens twice on the site's clock (%(timezone)s): the clocks go back "
                "over it. Drag the booking on the planning board, or choose another time."
            )
            % {"time": f"{moment:%Y-%m-%d %H:%M}", "timezone": self.tz.key}
        )


def _repeated(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the clock of `tz` shows the naive `wall` twice (the hour the clocks go back)."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    return first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall  # not skipped


def move_view(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str
) -> HttpResponse:
    booking = permissions.booking_to_act_on(model_admin, request, object_id, "reschedule")
    back = safe_next(request) or board_url_of(model_admin, booking)
    if not can_reschedule(model_admin, request, booking):
        messages.error(
            request,
            _("A %(state)s booking cannot be moved.")
            % {"state": Booking.StateChoices(booking.state).label.lower()},
        )
        return HttpResponseRedirect(back)
    tz = site_timezone(booking)
    resources = scheduling.resource_choices(site_pk=booking.site_id)
    current = booking.start.astimezone(tz)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        resources=resources,
        tz=tz,
        current=booking.start,
        initial={"resource": booking.resource_id, "start": f"{current:{WALL_FORMAT}}"},
    )
    if request.method == "POST" and form.is_valid():
        start, resource_pk = form.cleaned_data["start"], form.cleaned_data["resource"]
        # Out of the calendar's days (no instant computes) the use case refuses it, below.
        in_range = scheduling.FIRST_DAY <= start.date() <= scheduling.LAST_DAY
        if (
            resource_pk == booking.resource_id
            and in_range
            and start.astimezone(UTC) == booking.start
        ):
            messages.info(
                request,
                _("Booking %(reference)s is already there.") % {"reference": booking.reference},
            )
            return HttpResponseRedirect(back)
        try:
            moved = services.booking_reschedule(
                booking_id=booking.pk, actor=actor_of(request), start=start, resource_pk=resource_pk
            )
        except DomainError as error:
            messages.error(
                request,
                _("Booking %(reference)s was not moved: %(why)s")
                % {"reference": booking.reference, "why": refusal_text(error)},
            )
            return HttpResponseRedirect(back)
        names = dict(resources)
        messages.success(
            request,
            _("Booking %(reference)s moved to %(resource)s at %(start)s.")
            % {
                "reference": booking.reference,
                "resource": names.get(moved.resource_id, "?"),
                "start": f"{moved.start.astimezone(tz):%Y-%m-%d %H:%M %Z}",
            },
        )
        return HttpResponseRedirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Move booking %(reference)s") % {"reference": booking.reference},
        "opts": model_admin.opts,
        "original": booking,
        "booking": booking,
        "form": form,
        "current_start": local(booking, "start"),
        "timezone": str(tz),
        "next": back,
        "change_url": admin_url(model_admin, "change", booking.pk),
    }
    return TemplateResponse(request, TEMPLATE, context)
