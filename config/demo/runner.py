"""One run of the demo seed: everything in one transaction (a failed run leaves nothing half
made), no e-mail to the fictional customers, a summary of what was made or found."""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts import services as accounts
from bookings.notifications import notifications_suppressed
from config.demo import data, plan
from config.demo.booker import BookingCount, make_bookings
from config.demo.calendar import span
from config.demo.people import (
    DemoCustomer,
    PeopleCount,
    customer_spec,
    ensure_customer,
)
from config.demo.progress import Progress, Terminal
from config.demo.world import World, build_world


@dataclass(frozen=True)
class SeedOptions:
    seed: int
    customers: int
    bookings: int
    now: datetime
    admin_email: str
    admin_password: str


@dataclass(frozen=True)
class SeedReport:
    admin_created: bool
    world: World
    people: PeopleCount
    bookings: BookingCount
    seconds: float

    def lines(self, options: SeedOptions) -> list[str]:
        world = self.world
        things = ("staff accounts", "sites", "resources", "closures", "price rules", "promo codes")
        made = ", ".join(
            f"{what} {world.created[what]} created / {world.found[what]} found" for what in things
        )
        states = ", ".join(f"{state} {self.bookings.by_state[state]}" for state in plan.STATES)
        served = self.bookings.customers_served_before
        lines = [
            f"Administrator {options.admin_email}: "
            f"{'created' if self.admin_created else 'found (its login is as below)'}.",
            f"World: {made}.",
            *(f"Catalogue {line}" for line in world.catalogue_lines),
            f"Customers: {self.people.customers_created} created, "
            f"{self.people.customers_found} found; vehicles: {self.people.vehicles_created} "
            f"created, {self.people.vehicles_found} found.",
            f"Bookings: {self.bookings.made} made ({states}).",
        ]
        if served:
            lines.append(f"{served} demo customer(s) already had bookings: none made for them.")
        if self.bookings.unplaced:
            lines.append(f"{self.bookings.unplaced} planned booking(s) found no free start.")
        lines += [f"Refused: {refusal}" for refusal in self.bookings.refused]
        lines.append(
            f"Logins: {options.admin_email} / {options.admin_password}, "
            f"{data.OPERATOR.email} / {data.OPERATOR.password}, "
            f"{data.TECHNICIAN.email} / {data.TECHNICIAN.password}, "
            f"{data.DEMO_CUSTOMER_EMAIL} / {data.DEMO_CUSTOMER_PASSWORD}."
        )
        lines.append(f"Done in {self.seconds:.1f} s.")
        return lines


def seed(options: SeedOptions, terminal: Terminal) -> SeedReport:
    started = clock.monotonic()
    now = options.now
    today = now.astimezone(ZoneInfo(data.TIMEZONE)).date()
    back, ahead = span(options.bookings)
    with notifications_suppressed(), transaction.atomic():
        _admin, admin_created = accounts.user_ensure_superuser(
            email=options.admin_email, password=options.admin_password
        )
        world = build_world(
            first_day=today - timedelta(days=back),
            last_day=today + timedelta(days=ahead),
            today=today,
        )
        people = PeopleCount()
        customers: list[DemoCustomer] = []
        progress = Progress(terminal, "customers", options.customers)
        for number in range(options.customers):
            progress.advance()
            spec = customer_spec(options.seed, number, now=now)
            customers.append(ensure_customer(spec, now=now, count=people))
        progress.finish()
        bookings = (
            make_bookings(
                world=world,
                customers=customers,
                seed=options.seed,
                total=options.bookings,
                back=back,
                ahead=ahead,
                now=now,
                terminal=terminal,
            )
            if customers
            else BookingCount()
        )
    return SeedReport(
        admin_created=admin_created,
        world=world,
        people=people,
        bookings=bookings,
        seconds=clock.monotonic() - started,
    )
