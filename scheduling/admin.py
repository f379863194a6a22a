"""Back-office for sites (opening hours and closures inline), resources (skills, own hours and
closures inline) and closures. Every write is a scheduling use case; a week of hours is checked
in its form by the rule the use case applies (scheduling.services.check_week)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import time
from typing import Any

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
from scheduling.models import Closure, OpeningHours, Resource, ResourceHours, Site

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
