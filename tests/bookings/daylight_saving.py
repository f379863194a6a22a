"""A Paris site open at night (Sunday 00:00-06:00) on the days the clocks change in 2027, with a
15-minute service on a 15-minute grid: every start the site offers can be booked, one after the
other, on one bay. March 28: 02:00 -> 03:00 (five real hours open, 20 starts); October 31:
03:00 -> 02:00 (seven real hours, 28 starts, 02:00 to 02:45 twice, told apart by the offset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from accounts.models import User
from pricing.models import Service
from scheduling.models import Site
from tests.accounts.factories import UserFactory
from tests.bookings.factories import PARIS
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Vehicle

SPRING = date(2027, 3, 28)
AUTUMN = date(2027, 10, 31)
STARTS_OFFERED = {SPRING: 20, AUTUMN: 28}


@dataclass
class NightSite:
    site: Site
    service: Service
    day: date
    now: datetime  # a few days before, when the bookings are made

    def customer(self) -> tuple[User, Vehicle]:
        customer = UserFactory.create()
        return customer, VehicleFactory.create(owner=customer)


def night_site(day: date) -> NightSite:
    site = SiteFactory.create(
        name=f"Night {day}", hours={7: [(time(0), time(6))]}, slot_step_minutes=15
    )
    ResourceFactory.create(site=site, name="Bay 1")
    service = ServiceFactory.create(
        code="quick-wash", base_duration_minutes=15, base_price=Decimal("15.00")
    )
    now = datetime.combine(day - timedelta(days=3), time(12), tzinfo=PARIS)
    return NightSite(site=site, service=service, day=day, now=now)
