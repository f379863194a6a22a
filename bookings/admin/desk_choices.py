"""The booking desk's choices (bookings.admin.desk): the forms that take on a customer and add a
vehicle, the operator's choices read leniently from the query or the posted form, and what the
page shows for them: the quote and the free starts of the shown days. Reads only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.admin import ModelAdmin
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import public as accounts
from bookings.admin.presentation import admin_url
from bookings.domain.days import local_day_bounds
from bookings.models import Booking
from core.clock import year_supported
from core.errors import DomainError
from pricing import public as pricing
from scheduling import public as scheduling
from vehicles import public as vehicles

DAYS_SHOWN = 3  # the chosen day and the next two
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
        for name, choices in (
            ("category", vehicles.category_choices()),
            ("energy", vehicles.energy_choices()),
        ):
            choice = self.fields[name]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = choices


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
    return int(raw) if raw.isascii() and raw.isdigit() else None  # "²".isdigit() too


def aware(raw: str) -> datetime | None:
    """The moment with its offset, of a year a date from outside may name (core.clock); else
    None."""
    try:
        moment = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    if moment.tzinfo is None or not year_supported(moment):
        return None
    return moment


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
    moment = aware(start)
    if moment is not None:
        day = moment.astimezone(tz).date()
    try:
        asked = date.fromisoformat(data.get("day", "").strip())
    except ValueError:
        asked = None
    if asked is not None and year_supported(asked):
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


def quote_for(desk: Desk, now: datetime) -> tuple[pricing.Quote | None, str]:
    if desk.service is None or desk.site is None:
        return None, ""
    moment = aware(desk.start)
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


def free_starts(desk: Desk, now: datetime) -> tuple[list[DayStarts], str]:
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
    chosen = aware(desk.start)
    days: dict[date, list[datetime]] = {desk.day + timedelta(days=n): [] for n in range(DAYS_SHOWN)}
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
