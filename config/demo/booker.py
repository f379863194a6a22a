"""Demo bookings: each one placed on a free start (scheduling's availability, as a client app
would ask), made with `booking_create` at the moment it was "made", then taken to its final
state by the booking use cases at the moments its timeline says. Every booking is made before
any transition, so that no two bookings ever share a resource's time, even once finished."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from accounts import public as accounts
from bookings import selectors, services
from config.demo import data, plan
from config.demo.calendar import french_holidays
from config.demo.people import DemoCustomer, DemoVehicle
from config.demo.progress import Progress, Terminal
from config.demo.world import DemoSite, World
from core.errors import DomainError
from pricing import public as pricing
from scheduling import public as scheduling

if TYPE_CHECKING:
    from accounts.models import User

DAYS_TRIED = 6  # a booking that finds no free start on this many days is left out


@dataclass(frozen=True)
class Planned:
    index: int
    customer: DemoCustomer
    vehicle: DemoVehicle
    site: DemoSite
    service_code: str
    option_codes: tuple[str, ...]
    promo_code: str | None
    note: str
    by_operator: bool
    state: str
    created: datetime
    start: datetime
    timeline: plan.Timeline


@dataclass
class BookingCount:
    by_state: Counter[str] = field(default_factory=Counter)
    customers_served_before: int = 0
    unplaced: int = 0
    refused: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return sum(self.by_state.values())


class Booker:
    def __init__(
        self, *, world: World, customers: list[DemoCustomer], seed: int, now: datetime
    ) -> None:
        self.world = world
        self.customers = customers
        self.seed = seed
        self.now = now
        self.tz = ZoneInfo(data.TIMEZONE)
        self.today = now.astimezone(self.tz).date()
        self._users: dict[int, User] = {}
        self._holidays: dict[int, set[date]] = {}
        self._promo_users: set[tuple[int, str]] = set()
        self.caps: dict[str, int] = {}
        self.planned: Counter[str] = Counter()

    # --- actors --------------------------------------------------------------------------

    def user(self, pk: int) -> User:
        if pk not in self._users:
            self._users[pk] = accounts.acting_user(pk)
        return self._users[pk]

    # --- placing ---------------------------------------------------------------------------

    def _open(self, site: DemoSite, day: date) -> bool:
        if day.year not in self._holidays:
            self._holidays[day.year] = set(french_holidays(day.year))
        return day.isoweekday() in site.spec.hours and day not in self._holidays[day.year]

    def _choose_service(self, rng: random.Random, vehicle: DemoVehicle) -> str | None:
        codes = [
            code
            for code in data.SERVICE_WEIGHTS
            if code in self.world.services
            and vehicle.energy not in self.world.services[code].excluded_energies
            and any(site.can(self.world.services[code].skill) for site in self.world.sites)
        ]
        if not codes:
            return None
        return rng.choices(codes, weights=[data.SERVICE_WEIGHTS[c] for c in codes])[0]

    def draw(self, index: int) -> tuple[random.Random, DemoCustomer]:
        """The booking's own random generator and its customer (its first draw)."""
        rng = random.Random(f"seed-demo:{self.seed}:booking:{index}")  # noqa: S311 (demo data)
        customer = (
            self.customers[index] if index < len(self.customers) else rng.choice(self.customers)
        )
        return rng, customer

    def plan_booking(
        self, index: int, rng: random.Random, customer: DemoCustomer, *, back: int, ahead: int
    ) -> Planned | None:
        vehicle = rng.choice(customer.vehicles)
        service_code = self._choose_service(rng, vehicle)
        if service_code is None:
            return None
        service = self.world.services[service_code]
        options = tuple(o for o in service.options if rng.random() < data.OPTION_PROBABILITY)
        sites = [site for site in self.world.sites if site.can(service.skill)]
        site = rng.choices(sites, weights=[site.spec.weight for site in sites])[0]
        full = frozenset(state for state, cap in self.caps.items() if self.planned[state] >= cap)
        state = plan.pick_state(rng, index, full=full)
        notes = data.CUSTOMER_NOTES.get(customer.language, data.CUSTOMER_NOTES["en"])
        note = rng.choice(notes) if rng.random() < data.NOTE_PROBABILITY else ""
        by_operator = rng.random() < data.OPERATOR_BOOKS_PROBABILITY
        promo = None
        if rng.random() < data.PROMO_PROBABILITY:
            promo = rng.choice(data.PROMO_CODES).code
        requirements = pricing.service_requirements(
            service_code=service_code,
            category=vehicle.category,
            option_codes=options,
            energy=vehicle.energy,
        )
        duration = timedelta(minutes=requirements.duration_minutes)
        window = timedelta(minutes=site.policy.confirmation_window_minutes)
        days = [
            day
            for day in plan.days_for(state, today=self.today, back=back, ahead=ahead)
            if self._open(site, day)
        ]
        if state != plan.IN_PROGRESS:
            rng.shuffle(days)
        for day in days[:DAYS_TRIED]:
            created = plan.created_at(
                state, day=day, now=self.now, tz=self.tz, confirmation_window=window, rng=rng
            )
            midnight = datetime.combine(day, time(0), tzinfo=self.tz)
            free = scheduling.available_starts(
                site_pk=site.policy.pk,
                requirements=requirements,
                start=midnight,
                end=datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz),
                now=created,
            )
            fitting = [
                f.start
                for f in free
                if plan.start_fits(state, start=f.start, end=f.start + duration, now=self.now)
            ]
            if not fitting:
                continue
            start = fitting[-1] if state == plan.IN_PROGRESS else rng.choice(fitting)
            timeline = plan.timeline(
                state,
                created=created,
                start=start,
                end=start + duration,
                now=self.now,
                confirmation_window=window,
                language=customer.language,
                rng=rng,
            )
            if not plan.is_legal(timeline, created=created, start=start, now=self.now):
                continue
            self.planned[state] += 1
            return Planned(
                index=index,
                customer=customer,
                vehicle=vehicle,
                site=site,
                service_code=service_code,
                option_codes=options,
                promo_code=promo,
                note=note,
                by_operator=by_operator,
                state=state,
                created=created,
                start=start,
                timeline=timeline,
            )
        return None

    # --- making ----------------------------------------------------------------------------

    def create(self, planned: Planned) -> tuple[int, int] | None:
        """The booking made through the use case at its `created` moment: its id and resource,
        or None when it was refused."""
        customer = planned.customer
        promo = planned.promo_code
        if promo is not None and (customer.pk, promo) in self._promo_users:
            promo = None
        actor = self.user(self.world.operator_pk if planned.by_operator else customer.pk)
        for attempt_promo in (promo, None) if promo else (None,):
            request = services.BookingRequest(
                vehicle_id=planned.vehicle.id,
                service_code=planned.service_code,
                site_id=planned.site.policy.id,
                start=planned.start,
                option_codes=planned.option_codes,
                promo_code=attempt_promo,
                customer_note=planned.note,
            )
            try:
                booking = services.booking_create(
                    actor=actor,
                    request=request,
                    customer_id=customer.pk if planned.by_operator else None,
                    now=planned.created,
                )
            except DomainError as refusal:
                if attempt_promo is not None and refusal.code.startswith("promo_"):
                    continue  # below the code's minimum, say: booked without it
                return None
            if attempt_promo is not None:
                self._promo_users.add((customer.pk, attempt_promo))
            return booking.pk, booking.resource_id
        return None

    def live(self, planned: Planned, booking_pk: int, resource_pk: int) -> str:
        """Takes the booking through its timeline; returns its final state."""
        moments = planned.timeline
        operator = self.user(self.world.operator_pk)
        customer = self.user(planned.customer.pk)
        worker = (
            self.user(self.world.technician_pk)
            if resource_pk in self.world.technician_resources
            else operator
        )
        booking = None
        if moments.confirm is not None:
            booking = services.booking_confirm(
                booking_id=booking_pk, actor=operator, now=moments.confirm
            )
        if moments.start_work is not None:
            booking = services.booking_start(
                booking_id=booking_pk, actor=worker, now=moments.start_work
            )
        if moments.complete is not None:
            booking = services.booking_complete(
                booking_id=booking_pk, actor=worker, now=moments.complete
            )
        if moments.rate is not None:
            booking = services.booking_rate(
                booking_id=booking_pk,
                actor=customer,
                stars=moments.stars,
                comment=moments.comment,
                now=moments.rate,
            )
        if moments.no_show is not None:
            booking = services.booking_no_show(
                booking_id=booking_pk, actor=operator, now=moments.no_show
            )
        if moments.cancel is not None:
            booking = services.booking_cancel(
                booking_id=booking_pk,
                actor=operator if moments.cancel_by_operator else customer,
                reason=moments.cancel_reason,
                now=moments.cancel,
            )
        if moments.expire is not None:
            booking = services.booking_expire(booking_id=booking_pk, now=moments.expire)
        return booking.state if booking is not None else plan.PENDING


def make_bookings(
    *,
    world: World,
    customers: list[DemoCustomer],
    seed: int,
    total: int,
    back: int,
    ahead: int,
    now: datetime,
    terminal: Terminal,
) -> BookingCount:
    """`total` bookings planned for the demo customers; a customer who already has bookings
    (an earlier run) gets none, so that a second run makes nothing."""
    count = BookingCount()
    booker = Booker(world=world, customers=customers, seed=seed, now=now)
    booker.caps = plan.state_caps(total, world.resource_count)
    served = selectors.customers_with_bookings([c.pk for c in customers])
    count.customers_served_before = len(served)
    made: list[tuple[Planned, int, int]] = []
    progress = Progress(terminal, "bookings", total)
    for index in range(total):
        progress.advance()
        rng, customer = booker.draw(index)
        if customer.pk in served:
            continue
        planned = booker.plan_booking(index, rng, customer, back=back, ahead=ahead)
        created = booker.create(planned) if planned is not None else None
        if planned is None or created is None:
            count.unplaced += 1
            continue
        made.append((planned, *created))
    progress.finish()
    progress = Progress(terminal, "transitions", len(made))
    for planned, booking_pk, resource_pk in made:
        progress.advance()
        try:
            count.by_state[booker.live(planned, booking_pk, resource_pk)] += 1
        except DomainError as refusal:
            count.refused.append(f"booking #{planned.index} ({planned.state}): {refusal}")
    progress.finish()
    return count
