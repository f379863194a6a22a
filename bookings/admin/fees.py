"""Waiving or reducing a cancellation or no-show fee from the booking's page: a small form (the
new fee, 0 by default, and the reason) that calls `booking_fee_waive`, as the API would."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import services
from bookings.admin.permissions import is_operator
from bookings.admin.presentation import admin_url
from bookings.models import Booking
from bookings.services.fees import WAIVABLE_STATES
from core.admin_writes import refusal_text
from core.errors import DomainError


class FeeWaiverForm(forms.Form):
    fee = forms.DecimalField(
        label=gettext_lazy("New fee"),
        min_value=Decimal("0"),
        decimal_places=2,
        max_digits=10,
        initial=Decimal("0.00"),
        help_text=gettext_lazy("0 waives the fee; a smaller amount reduces it."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept on the booking's history and in the exports."),
    )


def waivable(booking: Booking) -> bool:
    return booking.state in WAIVABLE_STATES and bool(booking.fee)


def waiver_url(model_admin: ModelAdmin[Booking], booking: Booking) -> str:
    return admin_url(model_admin, "waive_fee", booking.pk)


def waiver_link(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking
) -> str | None:
    """The change page's link, for an operator who may change the booking and has a fee to
    waive; None otherwise."""
    if not waivable(booking) or not model_admin.has_change_permission(request, booking):
        return None
    return waiver_url(model_admin, booking) if is_operator(request) else None


def waiver_view(
    model_admin: ModelAdmin[Booking], request: HttpRequest, object_id: str
) -> HttpResponse:
    booking = model_admin.get_object(request, unquote(object_id))
    if booking is None:
        raise Http404(_("No booking with this id."))
    if not model_admin.has_change_permission(request, booking) or not is_operator(request):
        raise PermissionDenied
    back = admin_url(model_admin, "change", booking.pk)
    form = FeeWaiverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_fee_waive(
                booking_id=booking.pk,
                actor=request.user,  # type: ignore[arg-type]
                fee=form.cleaned_data["fee"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(
                request,
                _("The fee of %(reference)s is now %(fee)s %(currency)s.")
                % {
                    "reference": booking.reference,
                    "fee": form.cleaned_data["fee"],
                    "currency": booking.currency,
                },
            )
            return HttpResponseRedirect(back)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("Waive or reduce the fee of %(reference)s") % {"reference": booking.reference},
        "opts": model_admin.opts,
        "booking": booking,
        "form": form,
        "back_url": back,
    }
    return TemplateResponse(request, "admin/bookings/booking/waive_fee.html", context)
