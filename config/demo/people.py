"""Demo customers and their vehicles: drawn from one random generator per customer (customer
`n` is the same whatever the size of the set), registered through accounts and vehicles."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from accounts import public as accounts
from accounts import services as account_services
from config.demo import data, ensure


@dataclass(frozen=True)
class VehicleSpec:
    plate: str
    make: str
    model: str
    year: int
    category: str
    energy: str
    nickname: str
    colour: str


@dataclass(frozen=True)
class CustomerSpec:
    number: int
    email: str
    password: str | None
    first_name: str
    last_name: str
    phone: str
    language: str
    vehicles: tuple[VehicleSpec, ...]


@dataclass(frozen=True)
class DemoVehicle:
    id: UUID
    category: str
    energy: str


@dataclass(frozen=True)
class DemoCustomer:
    pk: int
    number: int
    email: str
    language: str
    vehicles: tuple[DemoVehicle, ...]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " -"))
    return kept.lower().replace(" ", "").replace("-", "")


def _plate(rng: random.Random) -> str:
    letters = data.PLATE_LETTERS
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randrange(1, 1000):03d}-"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )


def _vehicle(rng: random.Random, *, now: datetime) -> VehicleSpec:
    model = rng.choices(data.CAR_MODELS, weights=[m.weight for m in data.CAR_MODELS])[0]
    return VehicleSpec(
        plate=_plate(rng),
        make=model.make,
        model=model.model,
        year=rng.randint(now.year - 14, now.year),
        category=model.category,
        energy=rng.choice(model.energies),
        nickname=rng.choice(data.NICKNAMES),
        colour=rng.choice(model.colours),
    )


def customer_spec(seed: int, number: int, *, now: datetime) -> CustomerSpec:
    """Customer `number` (0-based) of the data set of `seed`. Number 0 is the demo login."""
    rng = random.Random(f"seed-demo:{seed}:customer:{number}")  # noqa: S311 (demo data)
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    count = 2 if rng.random() < 0.2 else 1
    plates: set[str] = set()
    cars: list[VehicleSpec] = []
    while len(cars) < count:
        car = _vehicle(rng, now=now)
        if car.plate not in plates:
            plates.add(car.plate)
            cars.append(car)
    if number == 0:
        email, password = data.DEMO_CUSTOMER_EMAIL, data.DEMO_CUSTOMER_PASSWORD
    else:
        email, password = f"{_ascii(first)}.{_ascii(last)}{number}@example.com", None
    return CustomerSpec(
        number=number,
        email=email,
        password=password,
        first_name=first,
        last_name=last,
        phone=f"+33 6 {rng.randrange(100):02d} {rng.randrange(100):02d} "
        f"{rng.randrange(100):02d} {rng.randrange(100):02d}",
        language="fr" if rng.random() < 0.7 else "en",
        vehicles=tuple(cars),
    )


@dataclass
class PeopleCount:
    customers_created: int = 0
    customers_found: int = 0
    vehicles_created: int = 0
    vehicles_found: int = 0


def ensure_customer(spec: CustomerSpec, *, now: datetime, count: PeopleCount) -> DemoCustomer:
    """The customer and their vehicles, registered unless they exist (by e-mail, by plate)."""
    user, created = account_services.user_ensure_in_role(
        email=spec.email,
        password=spec.password,
        role=accounts.CUSTOMER,
        first_name=spec.first_name,
        last_name=spec.last_name,
        phone=spec.phone,
        language=spec.language,
    )
    pk = user.pk
    if created:
        count.customers_created += 1
    else:
        count.customers_found += 1
    cars: list[DemoVehicle] = []
    for car in spec.vehicles:
        vehicle, made = ensure.vehicle(
            owner_id=pk,
            plate=car.plate,
            make=car.make,
            model=car.model,
            year=car.year,
            category=car.category,
            energy=car.energy,
            nickname=car.nickname,
            colour=car.colour,
            now=now,
        )
        if made:
            count.vehicles_created += 1
        else:
            count.vehicles_found += 1
        cars.append(
            DemoVehicle(id=vehicle.public_id, category=vehicle.category, energy=vehicle.energy)
        )
    return DemoCustomer(
        pk=pk, number=spec.number, email=spec.email, language=spec.language, vehicles=tuple(cars)
    )
