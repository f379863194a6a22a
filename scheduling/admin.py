"""Back-office for sites (opening hours and closures inline), resources (skills, own hours and
closures inline) and closures. Hours are checked day by day with the same rule as the services."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from scheduling import services
from scheduling.domain.hours import WallInterval, day_hours_problems
from scheduling.models import Closure, OpeningHours, Resource, ResourceHours, Site


class WeekFormSet(BaseInlineFormSet):
    """No two intervals of one weekday may overlap (each row alone is checked by the model)."""

    def clean(self) -> None:
        super().clean()
        by_day: dict[int, list[WallInterval]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("weekday") and data.get("opens") and data.get("closes"):
                by_day[data["weekday"]].append(WallInterval(data["opens"], data["closes"]))
        messages = {
            services.hours_problem_message(code)
            for intervals in by_day.values()
            for _index, code in day_hours_problems(intervals)
        }
        if messages:
            raise ValidationError(sorted(messages))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = WeekFormSet
    extra = 0


class ResourceHoursInline(admin.TabularInline):
    model = ResourceHours
    formset = WeekFormSet
    extra = 0
    verbose_name_plural = _("own hours (leave empty to work the site's hours)")


class SiteClosureInline(admin.TabularInline):
    model = Closure
    fk_name = "site"
    fields = ("start", "end", "reason")
    extra = 0


class ResourceClosureInline(SiteClosureInline):
    fk_name = "resource"


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
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


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
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


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("__str__", "site", "resource", "start", "end", "reason")
    list_filter = ("site",)
    list_select_related = ("site", "resource", "resource__site")
    search_fields = ("reason", "site__name", "resource__name")
    date_hierarchy = "start"
