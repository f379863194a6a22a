"""The booking admin (SPEC §8): the list with the site's local times, filters and search; a change
page where everything but the notes is read-only; the history inline; the back-office's own pages
(planning board, booking desk, transitions, cancel, reschedule) registered through `get_urls`. The
state never appears in a form: it changes only through the transition buttons and bulk actions
(bookings.admin.transitions), which call the same services as the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from bookings import readmodel, selectors, services
from bookings.admin import (
    cells,
    closures,
    desk,
    fees,
    moves,
    permissions,
    planning,
    reports,
    reschedule,
    transitions,
)
from bookings.admin.presentation import local, state_badge
from bookings.domain.days import RELATIVE_DAYS, THIS_WEEK, TODAY, TOMORROW, relative_days
from bookings.domain.history import Place, move_of
from bookings.domain.reference import normalize_reference
from bookings.models import Booking, BookingEvent
from core.admin_writes import refusal_text
from core.clock import resolve_now
from core.errors import DomainError
from scheduling import public as scheduling
from vehicles import public as vehicles

if TYPE_CHECKING:
    from accounts.models import User

NOTE_FIELDS = ("customer_note", "operator_note")
_REFUSED = "_booking_notes_refused"


class DayFilter(admin.SimpleListFilter):
    """Today, tomorrow and this week (Monday to Sunday) on each booking's own site clock."""

    title = _("day (site's clock)")
    parameter_name = "day"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(TODAY, _("Today")), (TOMORROW, _("Tomorrow")), (THIS_WEEK, _("This week"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        kind = self.value()
        if kind not in RELATIVE_DAYS:
            return None
        now = resolve_now(None)
        return selectors.starting_on_local_days(
            queryset, lambda tz: relative_days(str(kind), now=now, tz=tz)
        )


class ResourceFilter(admin.RelatedFieldListFilter):
    """Resources named with their site ("Bay 1" exists at every site), in one query."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        return scheduling.resource_choices()


class BookingEventInline(admin.TabularInline[BookingEvent, Booking]):
    """The history: read-only, never added to or deleted from here."""

    model = BookingEvent
    fields = (
        "at",
        "action",
        "from_state",
        "to_state",
        "actor",
        "actor_role",
        "reason",
        "moved",
        "details",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingEvent]:
        # The site's timezone in the same query: a reschedule's times are shown on its clock.
        return (
            super()
            .get_queryset(request)
            .select_related("actor")
            .annotate(**readmodel.EVENT_TIMEZONE)
        )

    @admin.display(description=_("moved"))
    def moved(self, event: BookingEvent) -> str:
        """A reschedule's "start, resource → start, resource" on the site's clock."""
        move = move_of(event.action, event.details, readmodel.event_timezone(event))
        if move is None:
            return ""

        def place(where: Place) -> str:
            when = f"{where.start:%Y-%m-%d %H:%M %Z}"
            return f"{when}, {where.resource_name}" if where.resource_name else when

        return f"{place(move.before)} → {place(move.after)}"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _WithoutFullCount:
    """The booking admin as Django's ChangeList.get_results sees it while the list is unfiltered:
    everything is the admin's but `show_full_result_count`, which is False there."""

    show_full_result_count = False

    def __init__(self, model_admin: Any) -> None:
        self._model_admin = model_admin

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model_admin, name)


class BookingChangeList(ChangeList):
    """Django's list, counted once when nothing filters it (no filter chosen, no search): the
    full count ("N total", whether the actions show) is then the list's own count, which Django
    would ask the database for a second time."""

    def get_results(self, request: HttpRequest) -> None:
        if self.get_filters_params() or self.query:
            super().get_results(request)
            return
        model_admin = self.model_admin
        self.model_admin = cast("BookingAdmin", _WithoutFullCount(model_admin))
        try:
            super().get_results(request)
        finally:
            self.model_admin = model_admin
        self.show_full_result_count = model_admin.show_full_result_count
        if self.show_full_result_count:
            self.full_result_count = self.result_count
            self.show_admin_actions = bool(self.result_count)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin[Booking]):
    list_display = (
        "reference",
        "local_start",
        "customer_shown",
        "plate",
        "service_name",
        "resource_name",
        "state_shown",
        "total_shown",
    )
    list_filter = ("state", "site", ("resource", ResourceFilter), "service", DayFilter)
    list_select_related = ("customer",)
    search_fields = (
        "reference",
        "vehicle_plate",
        "customer__email",
        "customer__first_name",
        "customer__last_name",
    )
    search_help_text = _(
        "Reference (bk7f3k9q finds BK-7F3K9Q), plate (any spelling), customer e-mail or name."
    )
    date_hierarchy = "start"
    ordering = ("-start", "-pk")
    actions = (transitions.confirm_selected, transitions.cancel_selected)
    inlines = (BookingEventInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "public_id",
                    "state_shown",
                    "customer",
                    "plate",
                    "vehicle_category_shown",
                )
            },
        ),
        (
            _("Slot"),
            {
                "fields": (
                    "site",
                    "resource",
                    "service_name",
                    "option_codes",
                    "local_start",
                    "local_end",
                    "local_blocked_until",
                )
            },
        ),
        (
            _("Price"),
            {
                "fields": (
                    "total_shown",
                    "price_lines",
                    "promo_code",
                    "fee",
                    "cancellation_reason",
                    "cancelled_by",
                )
            },
        ),
        (_("Notes"), {"fields": NOTE_FIELDS}),
        (_("Rating"), {"fields": ("rating", "rating_comment", "rated_at")}),
        (
            _("Timestamps"),
            {
                "classes": ("collapse",),
                "fields": (
                    "created_at",
                    "pending_since",
                    "updated_at",
                    "confirmed_at",
                    "started_at",
                    "completed_at",
                    "cancelled_at",
                    "expired_at",
                    "no_show_at",
                    "rescheduled_at",
                    "reminder_sent_at",
                ),
            },
        ),
    )
    readonly_fields = tuple(
        str(name)
        for _title, block in fieldsets
        for name in block["fields"]
        if name not in NOTE_FIELDS
    )

    # Reads

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return BookingChangeList

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        # A technician sees only the jobs of their resources (and so can open no other).
        queryset = selectors.bookings_for_back_office_of(permissions.technician_resources(request))
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Booking | None:
        """As the admin's (None for an id that is not one of the user's bookings), with what the
        change page shows of its relations (the site, the resource, who cancelled it) in the same
        query, not one query each afterwards."""
        queryset = self.get_queryset(request).select_related("site", "resource", "cancelled_by")
        field = Booking._meta.pk if from_field is None else Booking._meta.get_field(from_field)
        if not isinstance(field, Field):
            return None
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Booking.DoesNotExist, ValidationError, ValueError):
            return None

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Booking], search_term: str
    ) -> tuple[QuerySet[Booking], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        # What people type: "bk7f3k9q" or "7F3K 9Q" is BK-7F3K9Q; "ab 123 cd" is plate AB123CD.
        reference = normalize_reference(term)
        if len(reference) > len("BK-"):
            results = results | queryset.filter(reference__startswith=reference)
        plate = vehicles.normalise_plate(term)
        if plate and plate != term:
            results = results | queryset.filter(vehicle_plate__contains=plate)
        return results, may_have_duplicates

    @admin.display(description=_("start (site time)"), ordering="start")
    def local_start(self, booking: Booking) -> str:
        return local(booking, "start")

    @admin.display(description=_("end (site time)"), ordering="end")
    def local_end(self, booking: Booking) -> str:
        return local(booking, "end")

    @admin.display(description=_("blocked until (site time)"))
    def local_blocked_until(self, booking: Booking) -> str:
        return local(booking, "blocked_until")

    @admin.display(description=_("customer"), ordering="customer__email")
    def customer_shown(self, booking: Booking) -> str:
        name = booking.customer.get_full_name()
        return f"{name} <{booking.customer.email}>" if name else booking.customer.email

    @admin.display(description=_("plate"), ordering="vehicle_plate")
    def plate(self, booking: Booking) -> str:
        return vehicles.display_plate(booking.vehicle_plate)

    @admin.display(description=_("resource"), ordering="resource__name")
    def resource_name(self, booking: Booking) -> str:
        return readmodel.resource_name_of(booking)

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, booking: Booking) -> SafeString:
        return state_badge(booking.state)

    @admin.display(description=_("total"), ordering="total")
    def total_shown(self, booking: Booking) -> str:
        return f"{number_format(booking.total, 2)} {booking.currency}"

    @admin.display(description=_("vehicle category"))
    def vehicle_category_shown(self, booking: Booking) -> str:
        return vehicles.category_label(booking.vehicle_category)

    @admin.display(description=_("price snapshot"))
    def price_lines(self, booking: Booking) -> SafeString:
        snapshot = booking.price_snapshot or {}
        lines = snapshot.get("lines") or []
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td></tr>",
            (
                (line.get("kind", ""), line.get("label", ""), line.get("amount", ""))
                for line in lines
            ),
        )
        return format_html(
            "<table>{}<tr><th colspan='2'>{}</th><th style='text-align:right'>{} {}</th></tr>"
            "</table><p>{}</p>",
            rows,
            _("total, tax included"),
            snapshot.get("total", booking.total),
            snapshot.get("currency", booking.currency),
            _("Tax included: %(tax)s (rate %(rate)s %%)")
            % {"tax": snapshot.get("tax_included", "-"), "rate": snapshot.get("tax_rate", "-")},
        )

    # Writes: only the notes, through the service (never obj.save(): the state is protected)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bookings are made through the booking service (API), slot rules and all

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is never deleted

    def save_model(self, request: HttpRequest, obj: Booking, form: Any, change: bool) -> None:
        notes = {name: form.cleaned_data[name] for name in NOTE_FIELDS if name in form.changed_data}
        if not notes:
            return
        try:
            services.booking_update_notes(
                booking_id=obj.pk, actor=cast("User", request.user), **notes
            )
        except DomainError as error:
            setattr(request, _REFUSED, True)
            messages.error(request, refusal_text(error))

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, _REFUSED, False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Booking) -> HttpResponse:
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # Transitions

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path("planning/", wrap(self.planning_view), name="{}_{}_planning".format(*info)),
            path("book/", wrap(self.desk_view), name="{}_{}_book".format(*info)),
            path(
                "planning/cell/",
                wrap(self.explain_cell_view),
                name="{}_{}_explain_cell".format(*info),
            ),
            path(
                "<path:object_id>/move/",
                wrap(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            path("reports/", wrap(self.reports_view), name="{}_{}_reports".format(*info)),
            path("close-time/", wrap(self.closure_view), name="{}_{}_close_time".format(*info)),
            path(
                "date-exception/",
                wrap(self.date_exception_view),
                name="{}_{}_date_exception".format(*info),
            ),
            path(
                "deactivate-resource/",
                wrap(self.deactivation_view),
                name="{}_{}_deactivate_resource".format(*info),
            ),
            path(
                "<path:object_id>/waive-fee/",
                wrap(self.waiver_view),
                name="{}_{}_waive_fee".format(*info),
            ),
            path(
                "<path:object_id>/reschedule/",
                wrap(self.reschedule_view),
                name="{}_{}_reschedule".format(*info),
            ),
            path(
                "<path:object_id>/transition/<str:action>/",
                wrap(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/cancel/",
                wrap(self.cancel_view),
                name="{}_{}_cancel".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        return transitions.transition_view(self, request, object_id, action)

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return transitions.cancel_view(self, request, object_id)

    def planning_view(self, request: HttpRequest) -> HttpResponse:
        return planning.board_view(self, request)

    def desk_view(self, request: HttpRequest) -> HttpResponse:
        return desk.desk_view(self, request)

    def explain_cell_view(self, request: HttpRequest) -> HttpResponse:
        return cells.cell_view(self, request)

    def move_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return moves.move_view(self, request, object_id)

    def closure_view(self, request: HttpRequest) -> HttpResponse:
        return closures.closure_view(self, request)

    def date_exception_view(self, request: HttpRequest) -> HttpResponse:
        return closures.date_exception_view(self, request)

    def deactivation_view(self, request: HttpRequest) -> HttpResponse:
        return closures.deactivation_view(self, request)

    def reports_view(self, request: HttpRequest) -> HttpResponse:
        return reports.reports_view(self, request)

    def waiver_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return fees.waiver_view(self, request, object_id)

    def reschedule_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return reschedule.reschedule_view(self, request, object_id)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Booking | None = None,
    ) -> HttpResponse:
        # The booking the page already read (not read again for its buttons).
        if obj is not None:
            context["transition_buttons"] = transitions.buttons(self, request, obj)
            context["reschedule_button"] = reschedule.reschedule_button(self, request, obj)
            context["planning_url"] = planning.board_url_of(self, obj)
            context["waiver_url"] = fees.waiver_link(self, request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
