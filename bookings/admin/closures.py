"""Closing time that is booked, from the back-office: the operator gives the site (or one of its
resources), the period and the reason; the page lists the active bookings the closure hits
before anything is saved, with a choice per booking (and one for all): move to another resource
at the same time, move to the next free start, or cancel (the operator's cancellation: no fee).
Saving calls `closure_create_over_bookings` and reports each booking's outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import selectors, services
from bookings.admin.permissions import is_operator
from bookings.admin.planning import board_url
from bookings.admin.presentation import local
from bookings.models import Booking
from bookings.services.closures import CANCEL, NEXT_FREE, SAME_TIME
from core.admin_writes import refusal_text
from core.errors import DomainError
from scheduling import public as scheduling

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def choice_labels() -> list[tuple[str, str]]:
    return [
        (SAME_TIME, _("Move to another resource at the same time")),
        (NEXT_FREE, _("Move to the next free start")),
        (CANCEL, _("Cancel (no fee)")),
    ]


class ClosureForm(forms.Form):
    site = forms.TypedChoiceField(label=gettext_lazy("Site"), coerce=int)
    resource = forms.TypedChoiceField(
        label=gettext_lazy("Resource"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Leave empty to close the whole site."),
    )
    start = forms.DateTimeField(
        label=gettext_lazy("From"),
        input_formats=[LOCAL_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        help_text=gettext_lazy("On the site's clock."),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("To"),
        input_formats=[LOCAL_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, sites: list[scheduling.SitePolicy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites}
        self.fields["site"].choices = [(site.pk, site.name) for site in sites]  # type: ignore[attr-defined]
        self.fields["resource"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *scheduling.resource_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site = self.sites.get(data.get("site") or 0)
        if site is not None and data.get("start") and data.get("end"):
            tz = ZoneInfo(site.timezone)
            data["start"] = _on_clock(data["start"], tz)
            data["end"] = _on_clock(data["end"], tz)
            if data["start"] >= data["end"]:
                self.add_error("end", _("A closure must end after it starts."))
        return data


def _on_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """The form's wall time read on the site's clock (Django made it aware in the admin's zone)."""
    return moment.replace(tzinfo=None).replace(tzinfo=tz)


def closure_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_change_permission(request) or not is_operator(request):
        raise PermissionDenied
    sites = scheduling.site_policies()
    form = ClosureForm(request.POST or None, sites=sites, initial=request.GET.dict())
    hits: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = {"site_pk": None, "resource_pk": data["resource"]}
        if data["resource"] is None:
            where = {"site_pk": data["site"], "resource_pk": None}
        if "confirm" in request.POST:
            bulk = str(request.POST.get("all", CANCEL))
            choices: dict[int, str] = {}
            for key in request.POST:
                raw = key.removeprefix("choice-")
                if key.startswith("choice-") and raw.isdigit():
                    picked = str(request.POST.get(key, ""))
                    choices[int(raw)] = bulk if picked in {"", "bulk"} else picked
            try:
                outcomes = services.closure_create_over_bookings(
                    actor=request.user,  # type: ignore[arg-type]
                    start=data["start"],
                    end=data["end"],
                    reason=data["reason"],
                    choices=choices,
                    default=bulk if bulk in {SAME_TIME, NEXT_FREE, CANCEL} else CANCEL,
                    **where,
                )
            except DomainError as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, _("The closure is saved."))
                for outcome in outcomes:
                    level = messages.SUCCESS if outcome.done else messages.WARNING
                    messages.add_message(request, level, f"{outcome.reference}: {outcome.message}")
                day = data["start"].date()
                return HttpResponseRedirect(board_url(model_admin, site_pk=data["site"], day=day))
        hits = [
            (booking, local(booking, "start"))
            for booking in selectors.bookings_hit_by(start=data["start"], end=data["end"], **where)
        ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Close time that may be booked"),
        "opts": model_admin.opts,
        "form": form,
        "hits": hits,
        "previewed": request.method == "POST" and form.is_valid(),
        "choices": choice_labels(),
    }
    return TemplateResponse(request, "admin/bookings/booking/closure.html", context)
