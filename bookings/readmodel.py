"""The booking read model: a booking as its readers (the API, the back-office's dashboard, the
e-mails) show it, with what it needs from the other apps (customer, site, resource, vehicle,
service) read in the same query as the row. bookings.selectors annotates the rows with LISTED;
`view_of` turns such a row into a frozen BookingView of plain values, and the readers read the
view, not the row. A row handed over without them fails loudly (MissingReadModel) instead of
falling back to a query per row (an N+1 hidden behind `getattr(..., None) or`).

The back-office's own pages (the change list, the change form) stay on rows: they are Django
admin's ModelAdmin pages, which edit model instances; they read the other apps' values through
the narrow readers below (`site_timezone_of`, `resource_name_of`). docs/adr/0016 says why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import F

from bookings.domain.outlook import Outlook
from bookings.domain.policies import Timing
from bookings.domain.states import Role

if TYPE_CHECKING:
    from accounts.models import User
    from bookings.models import Booking, BookingEvent

# What a listing reads from the other apps, with the rows (one query, whatever the page size);
# the customer is joined (select_related) as well.
LISTED: dict[str, Any] = {
    "site_public_id": F("site__public_id"),
    "site_name": F("site__name"),
    "site_timezone": F("site__timezone"),
    "resource_public_id": F("resource__public_id"),
    "resource_name": F("resource__name"),
    "vehicle_public_id": F("vehicle__public_id"),
    "service_code": F("service__code"),
    "confirmation_window_minutes": F("site__confirmation_window_minutes"),
}
# The back-office's list: only what it shows (its counts join the same tables).
BACK_OFFICE: dict[str, Any] = {key: LISTED[key] for key in ("site_timezone", "resource_name")}
# A locked row about to move (a reschedule): where it was.
RESOURCE: dict[str, Any] = {key: LISTED[key] for key in ("resource_public_id", "resource_name")}
# A history row: the site's clock, for the times a reschedule row names.
EVENT_TIMEZONE: dict[str, Any] = {"site_timezone": F("booking__site__timezone")}


class MissingReadModel(LookupError):
    """A row read without the read model's annotations: a selector of bookings.selectors must
    read it (a fallback here would be one query per row)."""


def _read(row: Any, name: str) -> Any:
    try:
        return vars(row)[name]
    except KeyError:
        raise MissingReadModel(
            f"{type(row).__name__} {row.pk} was read without {name!r} (bookings.readmodel)"
        ) from None


def _customer(row: Booking) -> User:
    """The row's customer, joined with it (select_related), never read on its own."""
    if not row._state.fields_cache.get("customer"):
        raise MissingReadModel(
            f"Booking {row.pk} was read without its customer (select_related, bookings.readmodel)"
        )
    return row.customer


@dataclass(frozen=True)
class SiteRef:
    id: UUID
    name: str
    timezone: str


@dataclass(frozen=True)
class ResourceRef:
    id: UUID
    name: str


@dataclass(frozen=True)
class CustomerRef:
    id: UUID
    name: str  # their full name, "" when they gave none
    email: str  # "" for a walk-in customer without one yet


@dataclass(frozen=True)
class VehicleRef:
    id: UUID
    plate: str  # as booked (a snapshot)
    category: str


@dataclass(frozen=True)
class ServiceRef:
    code: str
    name: str  # as booked (a snapshot)


@dataclass(frozen=True)
class CancellationCost:
    amount: Decimal
    percent: Decimal
    currency: str


@dataclass(frozen=True)
class ReaderOutlook:
    """A reader's view of a booking: their role toward it and what they may do with it now
    (bookings.domain.outlook), its deadlines on the site's clock."""

    role: Role
    actions: tuple[str, ...]
    confirmation_deadline: datetime | None
    reschedule_deadline: datetime | None
    cancellation_cost: CancellationCost | None


@dataclass(frozen=True)
class BookingView:
    """A booking as it is shown: its own values and the other apps', with the times on the
    site's clock; `reader` says what the one reading it may do with it (the API's answers)."""

    pk: int
    id: UUID
    reference: str
    state: str
    customer: CustomerRef
    vehicle: VehicleRef
    service: ServiceRef
    option_codes: tuple[str, ...]
    site: SiteRef
    resource: ResourceRef
    start: datetime  # on the site's clock (aware, with its offset)
    end: datetime
    pending_since: datetime
    total: Decimal
    currency: str
    price: dict[str, Any]  # the quote as it was stored when booked (pricing's snapshot)
    promo_code: str
    customer_note: str
    operator_note: str  # staff only (Booking.STAFF_ONLY_FIELDS)
    cancellation_reason: str
    fee: Decimal | None
    rating: int | None
    rating_comment: str
    created_at: datetime
    confirmed_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    confirmation_window_minutes: int
    reader: ReaderOutlook | None = None  # the API's reader's (bookings.selectors.booking_views)

    @property
    def timing(self) -> Timing:
        """The times the policies of bookings.domain decide on."""
        return Timing.of(self)

    def on_site_clock(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(ZoneInfo(self.site.timezone)) if moment is not None else None

    def seen_by(self, role: Role, outlook: Outlook) -> BookingView:
        """This booking as the reader of `role` sees it, who may do `outlook` with it."""
        cost = outlook.cancellation_cost
        return replace(
            self,
            reader=ReaderOutlook(
                role=role,
                actions=outlook.actions,
                confirmation_deadline=self.on_site_clock(outlook.confirmation_deadline),
                reschedule_deadline=self.on_site_clock(outlook.reschedule_deadline),
                cancellation_cost=(
                    CancellationCost(cost.amount, cost.percent, self.currency)
                    if cost is not None
                    else None
                ),
            ),
        )


def resource_of(booking: Booking) -> ResourceRef:
    return ResourceRef(
        id=_read(booking, "resource_public_id"), name=_read(booking, "resource_name")
    )


def site_timezone_of(booking: Booking) -> str:
    """Read with LISTED or BACK_OFFICE."""
    return str(_read(booking, "site_timezone"))


def resource_name_of(booking: Booking) -> str:
    """Read with LISTED, BACK_OFFICE or RESOURCE."""
    return str(_read(booking, "resource_name"))


def view_of(booking: Booking) -> BookingView:
    """The read model of a row read with LISTED and its customer (bookings.selectors)."""
    site = SiteRef(
        id=_read(booking, "site_public_id"),
        name=_read(booking, "site_name"),
        timezone=_read(booking, "site_timezone"),
    )
    zone = ZoneInfo(site.timezone)
    customer = _customer(booking)
    return BookingView(
        pk=booking.pk,
        id=booking.public_id,
        reference=booking.reference,
        state=booking.state,
        customer=CustomerRef(
            id=customer.public_id, name=customer.get_full_name(), email=customer.email
        ),
        vehicle=VehicleRef(
            id=_read(booking, "vehicle_public_id"),
            plate=booking.vehicle_plate,
            category=booking.vehicle_category,
        ),
        service=ServiceRef(code=_read(booking, "service_code"), name=booking.service_name),
        option_codes=tuple(booking.option_codes or ()),
        site=site,
        resource=resource_of(booking),
        start=booking.start.astimezone(zone),
        end=booking.end.astimezone(zone),
        pending_since=booking.pending_since,
        total=booking.total,
        currency=booking.currency,
        price=dict(booking.price_snapshot or {}),
        promo_code=booking.promo_code,
        customer_note=booking.customer_note,
        operator_note=booking.operator_note,
        cancellation_reason=booking.cancellation_reason,
        fee=booking.fee,
        rating=booking.rating,
        rating_comment=booking.rating_comment,
        created_at=booking.created_at,
        confirmed_at=booking.confirmed_at,
        started_at=booking.started_at,
        completed_at=booking.completed_at,
        cancelled_at=booking.cancelled_at,
        confirmation_window_minutes=int(_read(booking, "confirmation_window_minutes")),
    )


def attach_listed(
    booking: Booking,
    *,
    site: SiteRef,
    resource: ResourceRef,
    vehicle_id: UUID,
    service_code: str,
    confirmation_window_minutes: int,
) -> None:
    """Gives a row the use case has just written, and whose other apps' facts it holds already
    (booking_create: the site, the resource, the vehicle, the service), the values LISTED would
    read: the API answers it without reading it back."""
    vars(booking).update(
        site_public_id=site.id,
        site_name=site.name,
        site_timezone=site.timezone,
        resource_public_id=resource.id,
        resource_name=resource.name,
        vehicle_public_id=vehicle_id,
        service_code=service_code,
        confirmation_window_minutes=confirmation_window_minutes,
    )
    # tests/bookings/test_readmodel.py checks these are LISTED's names, all of them.


def event_timezone(event: BookingEvent) -> str:
    """The timezone of a history row's booking's site (read with EVENT_TIMEZONE)."""
    return str(_read(event, "site_timezone"))
