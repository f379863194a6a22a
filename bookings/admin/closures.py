"""Changes of hours that may hit booked time, from the back-office: a closure (the site or one of
its resources, a period), a date exception that removes hours (closed that day, shorter hours)
and a resource's deactivation. Each page proposes the change to scheduling (which says what time
it removes), lists the active bookings it hits before anything is saved, with a choice per booking
(and one for all): move to another resource at the same time, move to the next free start, or
cancel (the operator's cancellation: no fee). Saving calls `hours_change_over_bookings` (one use
case for the three) and reports each booking's outcome. The scheduling back-office refuses to save
such a change itself and links here (the port `scheduling.active_bookings_hit`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bookings import selectors, services
from bookings.admin.permissions import may_change_hours
from bookings.admin.planning import board_url
from bookings.admin.presentation import local
from bookings.models import Booking
from bookings.services.closures import CANCEL, NEXT_FREE, SAME_TIME, HitOutcome
from core.admin_writes import refusal_text
from core.clock import utcnow
from core.errors import DomainError, ValidationFailed, translate_details
from core.validation import supported_year
from scheduling import public as scheduling

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def choice_labels() -> list[tuple[str, str]]:
    return [
        (SAME_TIME, _("Move to another resource at the same time")),
        (NEXT_FREE, _("Move to the next free start")),
        (CANCEL, _("Cancel (no fee)")),
    ]


class _SiteOrResourceForm(forms.Form):
    """A change for a whole site or for one of its resources (empty: the site)."""

    resource_help: Any = ""
    site = forms.TypedChoiceField(label=gettext_lazy("Site"), coerce=int)
    resource = forms.TypedChoiceField(
        label=gettext_lazy("Resource"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, sites: list[scheduling.SitePolicy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites}
        self.fields["site"].choices = [(site.pk, site.name) for site in sites]  # type: ignore[attr-defined]
        self.fields["resource"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *scheduling.resource_choices(),
        ]
        self.fields["resource"].help_text = self.resource_help


class ClosureForm(_SiteOrResourceForm):
    resource_help = gettext_lazy("Leave empty to close the whole site.")
    start = forms.DateTimeField(
        label=gettext_lazy("From"),
        input_formats=[LOCAL_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        validators=[supported_year],
        help_text=gettext_lazy("On the site's clock."),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("To"),
        input_formats=[LOCAL_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        validators=[supported_year],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

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


class DateExceptionForm(_SiteOrResourceForm):
    resource_help = gettext_lazy("Leave empty for the whole site.")
    day = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[supported_year],
    )
    kind = forms.ChoiceField(label=gettext_lazy("That day"))
    intervals = forms.CharField(
        label=gettext_lazy("opening intervals"),
        required=False,
        help_text=gettext_lazy("For different hours: e.g. 08:00-12:00, 13:30-17:00 (local time)."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, sites: list[scheduling.SitePolicy], **kwargs: Any) -> None:
        super().__init__(*args, sites=sites, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("closed", _("closed")),
            ("hours", _("different hours")),
            ("regular", _("regular hours (open on a public holiday)")),
        ]

    def clean_intervals(self) -> list[tuple[Any, Any]]:
        try:
            return scheduling.parse_intervals(self.cleaned_data.get("intervals") or "")
        except ValueError as exc:
            raise forms.ValidationError(
                _("Write each interval as HH:MM-HH:MM, separated by commas.")
            ) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "intervals" in data and data.get("kind"):
            try:
                scheduling.check_exception(data["kind"], data["intervals"])
            except ValidationFailed as invalid:
                for field, problems in translate_details(invalid.details, _).items():
                    self.add_error(field if field in self.fields else None, list(problems))
        return data


class DeactivationForm(forms.Form):
    resource = forms.TypedChoiceField(label=gettext_lazy("Resource"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, sites: list[scheduling.SitePolicy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = scheduling.resource_choices()  # type: ignore[attr-defined]


def _choices(request: HttpRequest) -> tuple[dict[int, str], str]:
    """Each booking's choice ("bulk": the one for all) and the one for all."""
    bulk = str(request.POST.get("all", CANCEL))
    bulk = bulk if bulk in {SAME_TIME, NEXT_FREE, CANCEL} else CANCEL
    choices: dict[int, str] = {}
    for key in request.POST:
        raw = key.removeprefix("choice-")
        if key.startswith("choice-") and raw.isascii() and raw.isdigit():
            picked = str(request.POST.get(key, ""))
            choices[int(raw)] = bulk if picked in {"", "bulk"} else picked
    return choices, bulk


def _report(request: HttpRequest, saved: str, outcomes: list[HitOutcome]) -> None:
    messages.success(request, saved)
    for outcome in outcomes:
        level = messages.SUCCESS if outcome.done else messages.WARNING
        messages.add_message(request, level, f"{outcome.reference}: {outcome.message}")


def _hits_page(
    model_admin: ModelAdmin[Booking],
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    change_of: Callable[[dict[str, Any]], scheduling.HoursChange],
    day_of: Callable[[dict[str, Any]], date | None],
    kind: str,
    title: str,
    saved: str,
    permissions: tuple[str, ...],
) -> HttpResponse:
    """One flow for every change of hours: the form, the change proposed to scheduling, the
    bookings it hits listed with their choices, then the change saved and the choices applied
    in one call of `hours_change_over_bookings`."""
    if not may_change_hours(model_admin, request, permissions):
        raise PermissionDenied
    sites = scheduling.site_policies()
    form = form_class(request.POST or None, sites=sites, initial=request.GET.dict())  # type: ignore[call-arg]
    hits: list[Any] = []
    previewed = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = change_of(data)
        except DomainError as error:
            form.add_error(None, refusal_text(error))
        else:
            previewed = True
            if "confirm" in request.POST:
                choices, bulk = _choices(request)
                try:
                    outcomes = services.hours_change_over_bookings(
                        actor=request.user,  # type: ignore[arg-type]
                        change=change,
                        choices=choices,
                        default=bulk,
                    )
                except DomainError as error:
                    messages.error(request, refusal_text(error))
                else:
                    _report(request, saved, outcomes)
                    day = day_of(data) or timezone.localdate(utcnow())
                    return HttpResponseRedirect(
                        board_url(model_admin, site_pk=change.site_pk, day=day)
                    )
            hits = [
                (booking, local(booking, "start"))
                for booking in selectors.bookings_hit_by_change(change)
            ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "form": form,
        "hits": hits,
        "hits_heading": _hits_heading(kind, len(hits)),
        "kind": kind,
        "previewed": previewed,
        "choices": choice_labels(),
    }
    return TemplateResponse(request, "admin/bookings/booking/closure.html", context)


def _hits_heading(kind: str, count: int) -> str:
    if kind == "exception":
        return ngettext(
            "This date exception hits %(count)d active booking: choose what happens to it.",
            "This date exception hits %(count)d active bookings: choose what happens to each.",
            count,
        ) % {"count": count}
    if kind == "deactivation":
        return ngettext(
            "Deactivating this resource hits %(count)d active booking: choose what happens to it.",
            "Deactivating this resource hits %(count)d active bookings: choose what happens to "
            "each.",
            count,
        ) % {"count": count}
    return ngettext(
        "This closure hits %(count)d active booking: choose what happens to it.",
        "This closure hits %(count)d active bookings: choose what happens to each.",
        count,
    ) % {"count": count}


def _where(data: dict[str, Any]) -> dict[str, int | None]:
    if data["resource"] is None:
        return {"site_pk": data["site"], "resource_pk": None}
    return {"site_pk": None, "resource_pk": data["resource"]}


def closure_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    return _hits_page(
        model_admin,
        request,
        form_class=ClosureForm,
        change_of=lambda data: scheduling.closure_change(
            start=data["start"], end=data["end"], reason=data["reason"], **_where(data)
        ),
        day_of=lambda data: data["start"].date(),
        kind="closure",
        title=_("Close time that may be booked"),
        saved=_("The closure is saved."),
        permissions=("scheduling.add_closure",),
    )


def date_exception_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    return _hits_page(
        model_admin,
        request,
        form_class=DateExceptionForm,
        change_of=lambda data: scheduling.date_exception_change(
            day=data["day"],
            kind=data["kind"],
            intervals=data["intervals"],
            reason=data["reason"],
            **_where(data),
        ),
        day_of=lambda data: data["day"],
        kind="exception",
        title=_("Change the hours of a date that may be booked"),
        saved=_("The date exception is saved."),
        # it adds the date's exception or changes the one there is
        permissions=("scheduling.add_dateexception", "scheduling.change_dateexception"),
    )


def deactivation_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    return _hits_page(
        model_admin,
        request,
        form_class=DeactivationForm,
        change_of=lambda data: scheduling.deactivation_change(
            resource_pk=data["resource"], now=utcnow(), reason=data["reason"]
        ),
        day_of=lambda data: None,
        kind="deactivation",
        title=_("Deactivate a resource that may be booked"),
        saved=_("The resource is inactive."),
        permissions=("scheduling.change_resource",),
    )
