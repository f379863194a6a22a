"""The booking read model: a booking as its readers (API, back-office, e-mails, exports) show it,
with what it needs from the other apps (site, resource, vehicle, service) read in the same query
as the row. bookings.selectors annotates the rows with LISTED; `view_of` turns a row into a frozen
BookingView. A reader handed a row without them fails loudly (MissingReadModel) instead of
falling back to a query per row (an N+1 hidden behind `getattr(..., None) or`).

docs/adr/0011-booking-read-model.md says why the row stays inside the view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import F

if TYPE_CHECKING:
    from bookings.models import Booking, BookingEvent

# What a listing reads from the other apps, with the rows (one query, whatever the page size).
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
class BookingView:
    """The booking row (its own fields) and what it needs from the other apps."""

    row: Booking
    site: SiteRef
    resource: ResourceRef
    vehicle_id: UUID | None
    service_code: str
    confirmation_window_minutes: int


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
    """The read model of a row read with LISTED."""
    return BookingView(
        row=booking,
        site=SiteRef(
            id=_read(booking, "site_public_id"),
            name=_read(booking, "site_name"),
            timezone=_read(booking, "site_timezone"),
        ),
        resource=resource_of(booking),
        vehicle_id=_read(booking, "vehicle_public_id"),
        service_code=_read(booking, "service_code"),
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
