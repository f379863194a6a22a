"""The booking desk (issue 17, item 1): an operator books for a customer on the phone or at the
counter. Find the customer (name, e-mail, phone or plate) or take one on, pick or add the vehicle,
choose the service and options with the live quote, see the free starts of three days (of one
resource if asked) and book, through the same use cases as the API: accounts.customer_take_on,
vehicles.vehicle_register, pricing.quote, scheduling.available_starts, bookings.booking_create
(docs/rules/bookings.md, "Phone and walk-in bookings").

Everything works as plain GET links and POST forms; bookings/static/bookings/desk.js only
refreshes the quote and the free starts when a choice changes (it asks this page for its
`live` fragment). Queries: a fixed number whatever the number of customers, vehicles or
bookings (tests/bookings/admin/test_desk.py pins them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import public as accounts
from bookings import services
from bookings.admin import permissions
from bookings.admin.planning import board_url
from bookings.admin.presentation import admin_url
from bookings.domain.days import local_day_bounds
from bookings.models import Booking
from core.admin_writes import actor_of
from core.clock import resolve_now
from core.errors import DomainError
from pricing import public as pricing
from scheduling import public as scheduling
from vehicles import public as vehicles

TEMPLATE = "admin/bookings/booking/book.html"
LIVE_TEMPLATE = "admin/bookings/booking/book_live.html"
DAYS_SHOWN = 3  # the chosen day and the next two
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(2999, 12, 30)
# What the page carries from one step to the next (links, redirects, hidden fields).
CARRIED = ("customer", "vehicle", "site", "resource", "service", "category", "day", "start")


class CustomerForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        required=False,
        help_text=gettext_lazy(
            "Optional for a walk-in: without it the customer can claim the account later, once "
            "an address is on it, with a password reset. An address that has an account finds it."
        ),
    )


class VehicleForm(forms.Form):
    plate = forms.CharField(label=gettext_lazy("Plate"), max_length=20)
    make = forms.CharField(label=gettext_lazy("Make"), max_length=60)
    model = forms.CharField(label=gettext_lazy("Model"), max_length=60)
    year = forms.IntegerField(label=gettext_lazy("Year"))
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=())
    energy = forms.ChoiceField(label=gettext_lazy("Energy"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = vehicles.category_choices()  # type: ignore[attr-defined]
        self.fields["energy"].choices = vehicles.energy_choices()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StartChoice:
    value: str  # ISO 8601 with the offset
    label: str
    inside_notice: bool
    chosen: bool


@dataclass(frozen=True)
class DayStarts:
    day: date
    starts: list[StartChoice]


@dataclass
class Desk:
    """The operator's choices so far, read leniently from the query or the form (an unknown id is
    simply not chosen), and what the page shows for them."""

    sites: list[scheduling.SitePolicy]
    site: scheduling.SitePolicy | None
    resources: list[tuple[int, str]]
    resource: int | None
    catalogue: list[dict[str, Any]]
    service: dict[str, Any] | None
    options: list[str]
    category: str
    day: date
    start: str
    customer: accounts.CustomerCard | None
    owned: list[vehicles.VehicleSnapshot] = field(default_factory=list)  # the customer's
    vehicle: vehicles.VehicleSnapshot | None = None

    def url_with(
        self, model_admin: ModelAdmin[Booking], without: Iterable[str], **values: str
    ) -> str:
        """This page with the choices but `without`, and `values` instead."""
        dropped = {*without, *values}
        return desk_url(model_admin, [*self.carried(without=dropped), *values.items()])

    def carried(self, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        values = {
            "customer": str(self.customer.id) if self.customer else "",
            "vehicle": str(self.vehicle.id) if self.vehicle else "",
            "site": str(self.site.pk) if self.site else "",
            "resource": str(self.resource or ""),
            "service": self.service["code"] if self.service else "",
            "category": self.category,
            "day": self.day.isoformat(),
            "start": self.start,
        }
        pairs = [(name, values[name]) for name in CARRIED if name not in without and values[name]]
        if "options" not in without:
            pairs += [("options", code) for code in self.options]
        return pairs

    @property
    def energy(self) -> str | None:
        return self.vehicle.energy if self.vehicle else None


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw.strip())
    except (AttributeError, ValueError):
        return None


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _aware(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def read_desk(data: QueryDict, now: datetime) -> Desk:
    sites = scheduling.site_policies()
    site_pk = _int(data.get("site", ""))
    site = next((s for s in sites if s.pk == site_pk), sites[0] if sites else None)
    resources = scheduling.active_resource_choices(site.pk) if site else []
    resource = _int(data.get("resource", ""))
    catalogue = pricing.active_catalogue()
    code = data.get("service", "").strip()
    service = next((s for s in catalogue if s["code"] == code), catalogue[0] if catalogue else None)
    offered = {option["code"] for option in service["options"]} if service else set()
    customer_id = _uuid(data.get("customer", ""))
    customer = accounts.customer_card(customer_id) if customer_id else None
    owned = vehicles.active_vehicles_of_owners([customer.pk])[customer.pk] if customer else []
    vehicle_id = _uuid(data.get("vehicle", ""))
    vehicle = next((v for v in owned if v.id == vehicle_id), owned[0] if owned else None)
    category = data.get("category", "").strip()
    if vehicle is not None:
        category = vehicle.category
    elif category not in vehicles.CATEGORIES:
        category = vehicles.CATEGORIES[0]
    start = data.get("start", "").strip()
    tz = ZoneInfo(site.timezone) if site else UTC
    day = now.astimezone(tz).date()
    moment = _aware(start)
    if moment is not None:
        day = moment.astimezone(tz).date()
    try:
        asked = date.fromisoformat(data.get("day", "").strip())
    except ValueError:
        asked = None
    if asked is not None and FIRST_DAY <= asked <= LAST_DAY:
        day = asked
    return Desk(
        sites=sites,
        site=site,
        resources=resources,
        resource=resource if any(pk == resource for pk, _name in resources) else None,
        catalogue=catalogue,
        service=service,
        options=[code for code in data.getlist("options") if code in offered],
        category=category,
        day=day,
        start=start if moment is not None else "",
        customer=customer,
        owned=owned,
        vehicle=vehicle,
    )


def _quote(desk: Desk, now: datetime) -> tuple[pricing.Quote | None, str]:
    if desk.service is None or desk.site is None:
        return None, ""
    moment = _aware(desk.start)
    try:
        quote = pricing.quote(
            service_code=desk.service["code"],
            category=desk.category,
            energy=desk.energy,
            option_codes=desk.options,
            local_start=moment.astimezone(ZoneInfo(desk.site.timezone)) if moment else None,
            customer_id=desk.customer.pk if desk.customer else None,
            now=now,
        )
    except DomainError as error:
        return None, error.translated(_)
    return quote, ""


def _free_starts(desk: Desk, now: datetime) -> tuple[list[DayStarts], str]:
    """The free starts of the shown days, inside the minimum notice included (marked: booking
    one takes the explicit override), of the chosen resource if any."""
    if desk.service is None or desk.site is None:
        return [], ""
    tz = ZoneInfo(desk.site.timezone)
    try:
        requirements = pricing.service_requirements(
            service_code=desk.service["code"],
            category=desk.category,
            option_codes=desk.options,
            energy=desk.energy,
        )
    except DomainError as error:
        return [], error.translated(_)
    start, end = local_day_bounds(desk.day, desk.day + timedelta(days=DAYS_SHOWN - 1), tz)
    found = scheduling.available_starts(
        site_pk=desk.site.pk,
        requirements=requirements,
        start=start,
        end=end,
        now=now,
        waive_notice=True,
    )
    notice_ends = now + timedelta(minutes=desk.site.min_notice_minutes)
    chosen = _aware(desk.start)
    days = {desk.day + timedelta(days=n): [] for n in range(DAYS_SHOWN)}  # type: ignore[var-annotated]
    for free in found:
        if desk.resource is not None and desk.resource not in free.resources:
            continue
        local = free.start.astimezone(tz)
        days.setdefault(local.date(), []).append(local)
    shown = []
    for day, moments in days.items():
        labels = [f"{m:%H:%M}" for m in moments]
        shown.append(
            DayStarts(
                day=day,
                starts=[
                    StartChoice(
                        value=m.isoformat(),
                        # The October change shows 02:00-02:59 twice: the zone tells them apart.
                        label=f"{label} {m:%Z}" if labels.count(label) > 1 else label,
                        inside_notice=m < notice_ends,
                        chosen=chosen is not None and m.astimezone(UTC) == chosen.astimezone(UTC),
                    )
                    for m, label in zip(moments, labels, strict=True)
                ],
            )
        )
    return shown, ""


def desk_url(model_admin: ModelAdmin[Booking], pairs: Iterable[tuple[str, str]] = ()) -> str:
    query = urlencode(list(pairs))
    url = admin_url(model_admin, "book")
    return f"{url}?{query}" if query else url


def _search(term: str) -> list[accounts.CustomerCard]:
    term = term.strip()
    if not term:
        return []
    return accounts.customers_matching(term, also=vehicles.owners_with_plate(term))


def _book(
    model_admin: ModelAdmin[Booking], request: HttpRequest, desk: Desk
) -> HttpResponse | list[str]:
    """Books, and redirects to the board of the booking's day; or the refusal's lines."""
    moment = _aware(desk.start)
    if desk.customer is None or desk.vehicle is None:
        return [_("Choose the customer and their vehicle first.")]
    if desk.site is None or desk.service is None or moment is None:
        return [_("Choose one of the free start times.")]
    try:
        booking = services.booking_create(
            actor=actor_of(request),
            request=services.BookingRequest(
                vehicle_id=desk.vehicle.id,
                service_code=desk.service["code"],
                site_id=desk.site.id,
                start=moment,
                option_codes=tuple(desk.options),
                customer_note=request.POST.get("customer_note", "").strip(),
            ),
            customer_id=desk.customer.pk,
            resource_pk=desk.resource,
            override_notice=bool(request.POST.get("override_notice")),
            override_reason=request.POST.get("override_reason", ""),
            confirm_now=bool(request.POST.get("confirm_now")),
        )
    except DomainError as error:
        return [error.translated(_), *error.detail_lines(_)]
    local = booking.start.astimezone(ZoneInfo(desk.site.timezone))
    messages.success(
        request,
        _("Booking %(reference)s made for %(customer)s on %(start)s: %(state)s.")
        % {
            "reference": booking.reference,
            "customer": desk.customer.name or desk.customer.email,
            "start": f"{local:%Y-%m-%d %H:%M %Z}",
            "state": Booking.StateChoices(booking.state).label,
        },
    )
    return HttpResponseRedirect(board_url(model_admin, site_pk=desk.site.pk, day=local.date()))


def _take_on(
    model_admin: ModelAdmin[Booking], request: HttpRequest, desk: Desk, form: CustomerForm
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        taken = accounts.customer_take_on(actor=actor_of(request), **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, " ".join([error.translated(_), *error.detail_lines(_)]))
        return None
    if taken.created:
        messages.success(request, _("New customer taken on: now choose or add the vehicle."))
    else:
        messages.info(request, _("A customer has this e-mail address: they are chosen."))
    return HttpResponseRedirect(desk.url_with(model_admin, ("vehicle",), customer=str(taken.id)))


def _add_vehicle(
    model_admin: ModelAdmin[Booking], request: HttpRequest, desk: Desk, form: VehicleForm
) -> HttpResponse | None:
    if desk.customer is None:
        form.add_error(None, _("Choose the customer and their vehicle first."))
        return None
    if not form.is_valid():
        return None
    try:
        vehicle = vehicles.vehicle_register(
            actor=actor_of(request), owner_id=desk.customer.pk, **form.cleaned_data
        )
    except DomainError as error:
        form.add_error(None, " ".join([error.translated(_), *error.detail_lines(_)]))
        return None
    messages.success(request, _("Vehicle %(plate)s added.") % {"plate": vehicle.plate_display})
    return HttpResponseRedirect(desk.url_with(model_admin, ("category",), vehicle=str(vehicle.id)))


def desk_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    if not permissions.may_book(model_admin, request):
        raise PermissionDenied
    now = resolve_now(None)
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    desk = read_desk(request.POST if posted else request.GET, now)
    customer_form = CustomerForm(request.POST if action == "customer" else None, prefix="new")
    vehicle_form = VehicleForm(
        request.POST if action == "vehicle" else None,
        prefix="car",
        initial={"category": desk.category},
    )
    refusals: list[str] = []
    if action == "book":
        booked = _book(model_admin, request, desk)
        if isinstance(booked, HttpResponse):
            return booked
        refusals = booked
    elif action == "customer":
        done = _take_on(model_admin, request, desk, customer_form)
        if done is not None:
            return done
    elif action == "vehicle":
        done = _add_vehicle(model_admin, request, desk, vehicle_form)
        if done is not None:
            return done
    quote, quote_error = _quote(desk, now)
    days, starts_error = _free_starts(desk, now)
    term = request.GET.get("q", "").strip()

    def shift(days: int) -> str:
        return (desk.day + timedelta(days=days)).isoformat()

    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("New booking"),
        "opts": model_admin.opts,
        "desk": desk,
        "term": term,
        "results": [
            (card, desk.url_with(model_admin, ("vehicle",), customer=str(card.id)))
            for card in _search(term)
        ],
        "searched": bool(term),
        "customer_form": customer_form,
        "vehicle_form": vehicle_form,
        "quote": quote,
        "quote_error": quote_error,
        "days": days,
        "starts_error": starts_error,
        "refusals": refusals,
        "override_notice": bool(request.POST.get("override_notice")),
        "override_reason": request.POST.get("override_reason", ""),
        "confirm_now": bool(request.POST.get("confirm_now")),
        "customer_note": request.POST.get("customer_note", ""),
        "desk_url": admin_url(model_admin, "book"),
        "carry_all": desk.carried(),
        "carry_search": desk.carried(without=("customer", "vehicle")),
        "board_url": board_url(model_admin, site_pk=desk.site.pk, day=desk.day)
        if desk.site
        else admin_url(model_admin, "planning"),
        "earlier_url": desk.url_with(model_admin, ("start",), day=f"{shift(-DAYS_SHOWN)}"),
        "later_url": desk.url_with(model_admin, ("start",), day=f"{shift(DAYS_SHOWN)}"),
    }
    live = request.GET.get("live") == "1" and not posted
    return TemplateResponse(request, LIVE_TEMPLATE if live else TEMPLATE, context)
