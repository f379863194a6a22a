"""Back-office for sites (opening hours and closures inline), resources (skills, own hours and
closures inline) and closures. Every write is a scheduling use case; a week of hours is checked
in its form by the rule the use case applies (scheduling.services.check_week)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import time
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_writes import (
    UseCaseAdmin,
    WrittenBy,
    actor_of,
    changed_values,
    form_values,
    inline_rows,
)
from core.errors import ValidationFailed, translate_details
from scheduling import services
from scheduling.models import (
    Closure,
    DateException,
    OpeningHours,
    Resource,
    ResourceHours,
    Site,
)

SITE_FIELDS = (
    "name",
    "timezone",
    "address",
    "latitude",
    "longitude",
    "slot_step_minutes",
    "min_notice_minutes",
    "horizon_days",
    "auto_confirm",
    "confirmation_window_minutes",
    "country",
    "subdivision",
)
RESOURCE_FIELDS = ("site", "name", "kind", "skills", "active", "technician")
CLOSURE_FIELDS = ("site", "resource", "start", "end", "reason")
OWNED_CLOSURE_FIELDS = ("start", "end", "reason")  # inline: the owner is the page's object


class WeekFormSet(BaseInlineFormSet[Any, Any, Any]):  # site or resource hours
    """A site's or a resource's week of hours: its use case replaces the whole week."""

    def week(self) -> dict[int, list[tuple[time, time]]]:
        """The rows left once the form is saved (rows with errors of their own aside)."""
        week: dict[int, list[tuple[time, time]]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("weekday") and data.get("opens") and data.get("closes"):
                week[data["weekday"]].append((data["opens"], data["closes"]))
        return dict(week)

    def clean(self) -> None:
        super().clean()
        try:
            services.check_week(self.week())
        except ValidationFailed as invalid:
            details = translate_details(invalid.details, gettext)
            shown = sorted({m for messages in details.values() for m in messages})
            raise ValidationError(shown) from invalid


class OwnedClosureFormSet(BaseInlineFormSet[Closure, Any, Any]):  # a site or a resource
    """Each closure row knows its owner while it is validated, even one being added with it."""

    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        setattr(form.instance, self.fk.name, self.instance)


class OpeningHoursInline(admin.TabularInline[OpeningHours, Site]):
    model = OpeningHours
    formset = WeekFormSet
    extra = 0


class ResourceHoursInline(admin.TabularInline[ResourceHours, Resource]):
    model = ResourceHours
    formset = WeekFormSet
    extra = 0
    verbose_name_plural = _("own hours (leave empty to work the site's hours)")


class SiteClosureInline(admin.TabularInline[Closure, Any]):
    model = Closure
    formset = OwnedClosureFormSet
    fk_name = "site"
    fields = OWNED_CLOSURE_FIELDS
    extra = 0


class ResourceClosureInline(SiteClosureInline):
    fk_name = "resource"


def _save_week(
    request: HttpRequest, formset: Any, replace: Callable[..., None], owner: dict[str, Any]
) -> None:
    inline_rows(formset)  # the history message
    if formset.has_changed():
        replace(**owner, hours=formset.week(), actor=actor_of(request))


def _save_closures(request: HttpRequest, formset: Any, owner: dict[str, Any]) -> None:
    rows = inline_rows(formset)
    actor = actor_of(request)
    for form in rows.deleted:
        services.closure_delete(closure=form.instance, actor=actor)
    for form in rows.changed:
        services.closure_update(
            closure=form.instance, actor=actor, **changed_values(form, OWNED_CLOSURE_FIELDS)
        )
    for form in rows.added:
        services.closure_create(actor=actor, **owner, **form_values(form, OWNED_CLOSURE_FIELDS))


@admin.register(Site)
class SiteAdmin(UseCaseAdmin[Site]):
    written_by = WrittenBy(
        row="site",
        fields=SITE_FIELDS,
        create=services.site_create,
        update=services.site_update,
        delete=services.site_delete,
    )
    list_display = ("name", "timezone", "slot_step_minutes", "min_notice_minutes", "auto_confirm")
    search_fields = ("name", "address")
    list_filter = ("auto_confirm", "timezone")
    readonly_fields = ("public_id",)
    inlines = (OpeningHoursInline, SiteClosureInline)
    fieldsets = (
        (None, {"fields": ("name", "public_id", "timezone", "address")}),
        (_("Position"), {"fields": ("latitude", "longitude")}),
        (_("Public holidays"), {"fields": ("country", "subdivision")}),
        (
            _("Booking policy"),
            {
                "fields": (
                    "slot_step_minutes",
                    "min_notice_minutes",
                    "horizon_days",
                    "auto_confirm",
                    "confirmation_window_minutes",
                )
            },
        ),
    )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        owner = {"site": form.instance}
        with self.refusals(request):
            if formset.model is OpeningHours:
                _save_week(request, formset, services.opening_hours_replace, owner)
            else:
                _save_closures(request, formset, owner)


@admin.register(Resource)
class ResourceAdmin(UseCaseAdmin[Resource]):
    written_by = WrittenBy(
        row="resource",
        fields=RESOURCE_FIELDS,
        create=services.resource_create,
        update=services.resource_update,
        delete=services.resource_delete,
    )
    list_display = ("name", "site", "kind", "active", "technician")
    list_filter = ("site", "kind", "active", "skills")
    list_select_related = ("site", "technician")
    search_fields = ("name", "site__name")
    filter_horizontal = ("skills",)
    readonly_fields = ("public_id",)
    inlines = (ResourceHoursInline, ResourceClosureInline)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        technician = form.base_fields.get("technician")
        if technician is not None:
            # limit_choices_to joins the groups; distinct keeps each account once.
            technician.queryset = technician.queryset.distinct()  # type: ignore[attr-defined]
        return form

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        owner = {"resource": form.instance}
        with self.refusals(request):
            if formset.model is ResourceHours:
                _save_week(request, formset, services.resource_hours_replace, owner)
            else:
                _save_closures(request, formset, owner)


@admin.register(Closure)
class ClosureAdmin(UseCaseAdmin[Closure]):
    written_by = WrittenBy(
        row="closure",
        fields=CLOSURE_FIELDS,
        create=services.closure_create,
        update=services.closure_update,
        delete=services.closure_delete,
    )
    list_display = ("__str__", "site", "resource", "start", "end", "reason")
    list_filter = ("site",)
    list_select_related = ("site", "resource", "resource__site")
    search_fields = ("reason", "site__name", "resource__name")
    date_hierarchy = "start"


EXCEPTION_FIELDS = ("site", "resource", "day", "kind", "intervals", "reason")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def format_intervals(intervals: Any) -> str:
    return ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in intervals)


class DateExceptionForm(forms.ModelForm[DateException]):
    """The intervals of a `different hours` exception typed on one line (08:00-12:00,
    13:30-17:00); the use case's rule (scheduling.services.check_exception) runs before saving."""

    intervals = forms.CharField(
        label=_("opening intervals"),
        required=False,
        help_text=_("For different hours: e.g. 08:00-12:00, 13:30-17:00 (local time)."),
    )

    class Meta:
        model = DateException
        fields = ("site", "resource", "day", "kind", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["intervals"] = format_intervals(
                (i.opens, i.closes) for i in self.instance.intervals.all()
            )

    def clean_intervals(self) -> list[tuple[time, time]]:
        raw = self.cleaned_data.get("intervals") or ""
        found: list[tuple[time, time]] = []
        for part in filter(None, (piece.strip() for piece in raw.split(","))):
            match = _INTERVAL.match(part)
            try:
                if match is None:
                    raise ValueError(part)
                h1, m1, h2, m2 = (int(group) for group in match.groups())
                found.append((time(h1, m1), time(h2, m2)))
            except ValueError as exc:
                raise ValidationError(
                    gettext("Write each interval as HH:MM-HH:MM, separated by commas.")
                ) from exc
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "intervals" in data and data.get("kind"):
            try:
                services.check_exception(data["kind"], data["intervals"])
            except ValidationFailed as invalid:
                for field, messages in translate_details(invalid.details, gettext).items():
                    self.add_error(field if field in self.fields else None, list(messages))
        return data


@admin.register(DateException)
class DateExceptionAdmin(UseCaseAdmin[DateException]):
    written_by = WrittenBy(
        row="exception",
        fields=EXCEPTION_FIELDS,
        create=services.date_exception_create,
        update=services.date_exception_update,
        delete=services.date_exception_delete,
    )
    form = DateExceptionForm
    list_display = ("day", "site", "resource", "kind", "hours", "reason")
    list_filter = ("kind", "site")
    list_select_related = ("site", "resource", "resource__site")
    search_fields = ("reason", "site__name", "resource__name")
    date_hierarchy = "day"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("intervals")

    @admin.display(description=_("opening intervals"))
    def hours(self, obj: DateException) -> str:
        return format_intervals((i.opens, i.closes) for i in obj.intervals.all())
