"""Back-office for sites (opening hours and closures inline), resources (skills, own hours and
closures inline) and closures. Every write is a scheduling use case; a week of hours is checked
in its form by the rule the use case applies (scheduling.services.check_week).

A closure, a date exception that removes hours or a resource's deactivation that would hit active
bookings is not saved here: the form says how many it hits and links to the bookings page that
lists them and handles each (bookings is above scheduling: it answers the count through the port
`active_bookings_hit`, and its pages are reached by URL, never imported)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_writes import (
    UseCaseAdmin,
    WrittenBy,
    actor_of,
    changed_values,
    form_values,
    inline_rows,
)
from core.clock import utcnow
from core.errors import Conflict, ValidationFailed, translate_details
from core.validation import supported_year
from scheduling import services
from scheduling.domain.changes import NO_EXCEPTION, HoursChange
from scheduling.domain.codes import SchedulingErrorCode
from scheduling.domain.hours import parse_intervals
from scheduling.domain.ports import active_bookings_hit
from scheduling.models import (
    Closure,
    DateException,
    OpeningHours,
    Resource,
    ResourceHours,
    Site,
)
from scheduling.selectors.changes import closure_change, date_exception_change, deactivation_change

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


def hits_refusal(change: HoursChange, page: str, query: dict[str, Any]) -> SafeString | None:
    """None when the change hits no active booking; else why it is not saved here, with a link
    to the bookings page `page` (prefilled by `query`) that lists them and handles each."""
    count = active_bookings_hit(change.removed)
    if not count:
        return None
    text = ngettext(
        "This change hits %(count)d active booking: it is not saved here.",
        "This change hits %(count)d active bookings: it is not saved here.",
        count,
    ) % {"count": count}
    try:
        url = reverse(f"admin:bookings_booking_{page}")
    except NoReverseMatch:  # pragma: no cover (bookings is installed wherever scheduling is)
        return format_html("{}", text)
    return format_html(
        '{} <a href="{}?{}">{}</a>',
        text,
        url,
        urlencode({key: value for key, value in query.items() if value is not None}),
        gettext("List them and choose what happens to each."),
    )


def _wall(moment: datetime, site: Site) -> str:
    return moment.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%dT%H:%M")


def closure_refusal(closure: Closure) -> SafeString | None:
    """The refusal of a closure (new, or moved) over active bookings."""
    site = closure.site if closure.site_id else None
    resource = closure.resource if closure.resource_id else None
    owner_site = site or (resource.site if resource is not None else None)
    if owner_site is None or closure.start is None or closure.end is None:
        return None
    if closure.start >= closure.end:
        return None
    change = closure_change(
        start=closure.start,
        end=closure.end,
        reason=closure.reason,
        site_pk=None if resource is not None else owner_site.pk,
        resource_pk=None if resource is None else resource.pk,
    )
    query = {
        "site": owner_site.pk,
        "resource": None if resource is None else resource.pk,
        "start": _wall(closure.start, owner_site),
        "end": _wall(closure.end, owner_site),
        "reason": closure.reason,
    }
    return hits_refusal(change, "close_time", query)


class ClosureForm(forms.ModelForm[Closure]):
    class Meta:
        model = Closure
        fields = CLOSURE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for name in ("site", "resource", "start", "end", "reason"):
                if name in data:
                    setattr(self.instance, name, data[name])
            refusal = closure_refusal(self.instance)
            if refusal is not None:
                raise ValidationError(refusal)
        return data


class ResourceForm(forms.ModelForm[Resource]):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        was_active = self.instance.pk is not None and self.initial.get("active", False)
        if was_active and data.get("active") is False:
            change = deactivation_change(resource_pk=self.instance.pk, now=utcnow())
            refusal = hits_refusal(change, "deactivate_resource", {"resource": self.instance.pk})
            if refusal is not None:
                self.add_error("active", refusal)
        return data


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

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:  # a new site or resource has no bookings yet
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors or not form.has_changed():
                continue
            refusal = closure_refusal(form.instance)
            if refusal is not None:
                raise ValidationError(refusal)


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


def _save_calendar_inline(
    request: HttpRequest,
    formset: Any,
    hours_model: type[Any],
    replace_hours: Callable[..., None],
    **owner: Any,
) -> None:
    """A site's or a resource's inline, through its use cases: the week of hours (replaced
    whole) or the closures (each row created, changed or deleted)."""
    if formset.model is hours_model:
        _save_week(request, formset, replace_hours, owner)
    else:
        _save_closures(request, formset, owner)


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
        with self.refusals(request):
            _save_calendar_inline(
                request, formset, OpeningHours, services.opening_hours_replace, site=form.instance
            )


@admin.register(Resource)
class ResourceAdmin(UseCaseAdmin[Resource]):
    written_by = WrittenBy(
        row="resource",
        fields=RESOURCE_FIELDS,
        create=services.resource_create,
        update=services.resource_update,
        delete=services.resource_delete,
    )
    form = ResourceForm
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
        with self.refusals(request):
            _save_calendar_inline(
                request,
                formset,
                ResourceHours,
                services.resource_hours_replace,
                resource=form.instance,
            )


@admin.register(Closure)
class ClosureAdmin(UseCaseAdmin[Closure]):
    written_by = WrittenBy(
        row="closure",
        fields=CLOSURE_FIELDS,
        create=services.closure_create,
        update=services.closure_update,
        delete=services.closure_delete,
    )
    form = ClosureForm
    list_display = ("__str__", "site", "resource", "start", "end", "reason")
    list_filter = ("site",)
    list_select_related = ("site", "resource", "resource__site")
    search_fields = ("reason", "site__name", "resource__name")
    date_hierarchy = "start"


EXCEPTION_FIELDS = ("site", "resource", "day", "kind", "intervals", "reason")


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
        self.fields["day"].validators.append(supported_year)  # its hours are read on a clock

    def clean_intervals(self) -> list[tuple[time, time]]:
        try:
            return parse_intervals(self.cleaned_data.get("intervals") or "")
        except ValueError as exc:
            raise ValidationError(
                gettext("Write each interval as HH:MM-HH:MM, separated by commas.")
            ) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "intervals" in data and data.get("kind"):
            try:
                services.check_exception(data["kind"], data["intervals"])
            except ValidationFailed as invalid:
                for field, messages in translate_details(invalid.details, gettext).items():
                    self.add_error(field if field in self.fields else None, list(messages))
        if not self.errors and data.get("day") and (data.get("site") or data.get("resource")):
            refusal = self._hits_refusal(data)
            if refusal is not None:
                raise ValidationError(refusal)
            moved = {"day", "site", "resource"} & set(self.changed_data)
            if self.instance.pk is not None and moved:
                left = removal_refusal(self.instance_before)
                if left is not None:
                    raise ValidationError(left)
        return data

    @property
    def instance_before(self) -> DateException:
        """The exception as saved (the form has already put the new values on `instance`)."""
        return DateException.objects.get(pk=self.instance.pk)

    def _hits_refusal(self, data: dict[str, Any]) -> SafeString | None:
        site, resource = data.get("site"), data.get("resource")
        if (site is None) == (resource is None):
            return None  # the use case says why
        change = date_exception_change(
            day=data["day"],
            kind=data["kind"],
            intervals=data["intervals"],
            reason=data.get("reason", ""),
            site_pk=None if site is None else site.pk,
            resource_pk=None if resource is None else resource.pk,
        )
        query = {
            "site": change.site_pk,
            "resource": None if resource is None else resource.pk,
            "day": data["day"].isoformat(),
            "kind": data["kind"],
            "intervals": format_intervals(data["intervals"]),
            "reason": data.get("reason", ""),
        }
        return hits_refusal(change, "date_exception", query)


def removal_refusal(exception: DateException) -> str | None:
    """Why the exception may not be taken away from its date here (deleted, or moved to another
    date): without it the date loses hours that active bookings hold (an opening on a public
    holiday, longer hours). None when it loses none that are booked."""
    change = date_exception_change(
        day=exception.day,
        kind=NO_EXCEPTION,
        site_pk=exception.site_id if exception.resource_id is None else None,
        resource_pk=exception.resource_id,
    )
    count = active_bookings_hit(change.removed)
    if not count:
        return None
    return ngettext(
        "Without this exception its date loses hours that %(count)d active booking holds: move "
        "or cancel it first, or change the exception instead.",
        "Without this exception its date loses hours that %(count)d active bookings hold: move "
        "or cancel them first, or change the exception instead.",
        count,
    ) % {"count": count}


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

    def delete_model(self, request: HttpRequest, obj: DateException) -> None:
        refusal = removal_refusal(obj)
        if refusal is None:
            super().delete_model(request, obj)
            return
        with self.refusals(request):
            raise Conflict(refusal, code=SchedulingErrorCode.DATE_EXCEPTION_HITS_BOOKINGS)

    @admin.display(description=_("opening intervals"))
    def hours(self, obj: DateException) -> str:
        return format_intervals((i.opens, i.closes) for i in obj.intervals.all())
