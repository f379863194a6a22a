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

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import public as accounts
from bookings import services
from bookings.admin import permissions
from bookings.admin.desk_choices import (
    DAYS_SHOWN,
    CustomerForm,
    Desk,
    VehicleForm,
    aware,
    free_starts,
    quote_for,
    read_desk,
)
from bookings.admin.planning import board_url
from bookings.admin.presentation import admin_url
from bookings.models import Booking
from core.admin_writes import actor_of
from core.clock import resolve_now
from core.errors import DomainError
from vehicles import public as vehicles

TEMPLATE = "admin/bookings/booking/book.html"
LIVE_TEMPLATE = "admin/bookings/booking/book_live.html"


def _search(term: str) -> list[accounts.CustomerCard]:
    term = term.strip()
    if not term:
        return []
    return accounts.customers_matching(term, also=vehicles.owners_with_plate(term))


def _book(
    model_admin: ModelAdmin[Booking], request: HttpRequest, desk: Desk
) -> HttpResponse | list[str]:
    """Books, and redirects to the board of the booking's day; or the refusal's lines. What is
    booked is what the form named: the desk's lenient defaults (the first vehicle, site or
    service) never stand in for a missing or unknown one."""
    moment = aware(desk.start)
    posted = request.POST
    if (
        desk.customer is None
        or desk.vehicle is None
        or posted.get("vehicle") != str(desk.vehicle.id)
    ):
        return [_("Choose the customer and their vehicle first.")]
    if (
        desk.site is None
        or desk.service is None
        or posted.get("site") != str(desk.site.pk)
        or posted.get("service") != desk.service["code"]
    ):
        return [_("Choose the site and the service.")]
    if moment is None:
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
        taken = accounts.customer_take_on(
            actor=actor_of(request),
            # the customer's e-mails speak the language the operator works in
            language=accounts.supported_language(get_language()),
            **form.cleaned_data,
        )
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
    quote, quote_error = quote_for(desk, now)
    days, starts_error = free_starts(desk, now)
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
