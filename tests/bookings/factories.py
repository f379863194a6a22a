"""A small bookable world: a Paris site open weekdays 08:00-12:00 and 13:30-18:00, bays, a
60-minute service at 50.00, a customer with a vehicle, an operator. And a raw BookingFactory for
rows made behind the services' back (history, constraint tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory

from accounts.models import User
from bookings.models import Booking
from pricing.models import Service
from scheduling.models import Resource, Site
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Vehicle

PARIS = ZoneInfo("Europe/Paris")


def next_weekday(after: datetime, *, weekday: int = 0, days_ahead: int = 3) -> datetime:
    """The date of the next `weekday` (0 = Monday) at least `days_ahead` days after `after`."""
    day = (after + timedelta(days=days_ahead)).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=PARIS)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    """`day` at a Paris wall-clock time, as an aware datetime."""
    return datetime.combine(day.date(), time(hour, minute), tzinfo=PARIS)


@dataclass
class World:
    site: Site
    resources: list[Resource]
    service: Service
    customer: User
    vehicle: Vehicle
    operator: User
    day: datetime  # a Monday a few days ahead, midnight in Paris

    def new_customer(self) -> tuple[User, Vehicle]:
        customer = UserFactory.create()
        return customer, VehicleFactory.create(owner=customer)

    def book_for(
        self,
        customer: User | None = None,
        vehicle: Vehicle | None = None,
        *,
        hour: int = 10,
        minute: int = 0,
        now: datetime | None = None,
        actor: User | None = None,
        **request: Any,
    ) -> Booking:
        """A real booking through the service (with its "create" history) of `vehicle` (default:
        the world's) by `customer` (default: the world's), on `day` at a Paris wall-clock time;
        `now`: when it is made (default: the real clock); `actor`: an operator booking for the
        vehicle's owner instead; `request`: the rest of the BookingRequest (options, promo...)."""
        from bookings import services

        return services.booking_create(
            actor=actor or customer or self.customer,
            customer_id=(vehicle or self.vehicle).owner.pk if actor is not None else None,
            request=services.BookingRequest(
                vehicle_id=(vehicle or self.vehicle).public_id,
                service_code=self.service.code,
                site_id=self.site.public_id,
                start=at(self.day, hour, minute),
                **request,
            ),
            now=now,
        )

    def book(self, hour: int = 10, minute: int = 0, *, now: datetime | None = None) -> Booking:
        """A real booking by a new customer, as `book_for`."""
        return self.book_for(*self.new_customer(), hour=hour, minute=minute, now=now)

    def booking_body(self, hour: int = 10, minute: int = 0) -> dict[str, str]:
        """The API's JSON body booking the world's vehicle for its service at its site, on `day`
        at a Paris wall-clock time."""
        return {
            "vehicle": str(self.vehicle.public_id),
            "service": self.service.code,
            "site": str(self.site.public_id),
            "start": at(self.day, hour, minute).isoformat(),
        }


def make_world(*, resources: int = 1, auto_confirm: bool = False, **site: Any) -> World:
    site_obj = SiteFactory.create(auto_confirm=auto_confirm, **site)
    bays = [ResourceFactory.create(site=site_obj, name=f"Bay {n}") for n in range(1, resources + 1)]
    service = ServiceFactory.create(code="full-wash", name="Full wash", base_price=Decimal("50.00"))
    customer = UserFactory.create()
    return World(
        site=site_obj,
        resources=bays,
        service=service,
        customer=customer,
        vehicle=VehicleFactory.create(owner=customer),
        operator=OperatorFactory.create(),
        day=next_weekday(datetime.now(UTC)),
    )


class BookingFactory(factory.django.DjangoModelFactory[Booking]):
    """A row written directly, without the services' checks."""

    class Meta:
        model = Booking

    reference = factory.Sequence(lambda n: f"BK-T{n:05d}")
    vehicle_plate = factory.LazyAttribute(lambda o: o.vehicle.plate)
    vehicle_category = factory.LazyAttribute(lambda o: o.vehicle.category)
    customer = factory.LazyAttribute(lambda o: o.vehicle.owner)
    service_name = factory.LazyAttribute(lambda o: o.service.name)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))
    blocked_until = factory.LazyAttribute(lambda o: o.end)
    total = Decimal("50.00")
    currency = "EUR"
    price_snapshot: Any = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(lambda: datetime.now(UTC))
    pending_since = factory.LazyAttribute(lambda o: o.created_at)
