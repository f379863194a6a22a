"""What the demo world is made of: fixed facts (sites, resources, staff, rules, promo codes) and
the vocabularies customers, vehicles and bookings are drawn from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

TIMEZONE = "Europe/Paris"
CATALOGUE_FILE = ("deploy", "demo", "catalogue.json")  # under settings.BASE_DIR

WEEKDAY_HOURS = ((time(8), time(12)), (time(13, 30), time(18, 30)))


@dataclass(frozen=True)
class SiteSpec:
    name: str
    address: str
    latitude: Decimal
    longitude: Decimal
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    confirmation_window_minutes: int = 120
    weight: float = 1.0  # share of the bookings


@dataclass(frozen=True)
class ResourceSpec:
    site: str
    name: str
    kind: str
    skills: tuple[str, ...]
    hours: Mapping[int, tuple[tuple[time, time], ...]] | None = None
    technician: bool = False  # worked by the demo technician account


@dataclass(frozen=True)
class StaffSpec:
    email: str
    password: str
    role: str
    first_name: str
    last_name: str
    language: str = "en"


SITES = (
    SiteSpec(
        name="Lyon Gerland",
        address="48 avenue Tony Garnier, 69007 Lyon, France",
        latitude=Decimal("45.733400"),
        longitude=Decimal("4.830100"),
        hours={
            **dict.fromkeys(range(1, 6), WEEKDAY_HOURS),
            6: ((time(8), time(12, 30)),),
        },
        confirmation_window_minutes=180,
        weight=0.6,
    ),
    SiteSpec(
        name="Paris Bercy",
        address="12 rue de Bercy, 75012 Paris, France",
        latitude=Decimal("48.838600"),
        longitude=Decimal("2.382800"),
        hours={
            **dict.fromkeys(range(1, 6), WEEKDAY_HOURS),
            6: ((time(9), time(13)),),
        },
        weight=0.4,
    ),
)

_MOBILE_HOURS = dict.fromkeys(range(1, 6), ((time(9), time(12)), (time(14), time(17, 30))))

RESOURCES = (
    ResourceSpec("Lyon Gerland", "Wash bay 1", "bay", ("washing", "detailing")),
    ResourceSpec("Lyon Gerland", "Wash bay 2", "bay", ("washing",)),
    ResourceSpec("Lyon Gerland", "Detailing studio", "bay", ("detailing", "washing")),
    ResourceSpec("Lyon Gerland", "Workshop bay A", "bay", ("mechanics", "tyres", "diagnostics")),
    ResourceSpec("Lyon Gerland", "Workshop bay B", "bay", ("mechanics", "tyres")),
    ResourceSpec(
        "Lyon Gerland", "Mobile unit Lyon", "mobile_unit", ("washing", "tyres"), _MOBILE_HOURS
    ),
    ResourceSpec("Paris Bercy", "Wash bay", "bay", ("washing", "detailing")),
    ResourceSpec("Paris Bercy", "Workshop bay", "bay", ("mechanics", "tyres")),
    ResourceSpec(
        "Paris Bercy",
        "Technician Hugo Lefèvre",
        "technician",
        ("diagnostics", "mechanics"),
        technician=True,
    ),
    ResourceSpec(
        "Paris Bercy",
        "Mobile unit Paris",
        "mobile_unit",
        ("washing", "tyres", "diagnostics"),
        _MOBILE_HOURS,
    ),
)

OPERATOR = StaffSpec(
    "operator@example.com", "operator", "operator", "Claire", "Dubois", language="fr"
)
TECHNICIAN = StaffSpec(
    "technician@example.com", "technician", "technician", "Hugo", "Lefèvre", language="fr"
)
DEMO_CUSTOMER_EMAIL = "customer@example.com"
DEMO_CUSTOMER_PASSWORD = "customer"


@dataclass(frozen=True)
class RuleSpec:
    name: str
    percentage: Decimal
    weekdays: tuple[int, ...] = ()
    start_time: time | None = None
    end_time: time | None = None
    service_codes: tuple[str, ...] | None = None
    priority: int = 100


PRICE_RULES = (
    RuleSpec("Weekend surcharge", Decimal("10"), weekdays=(6, 7), priority=100),
    RuleSpec(
        "Early-bird wash",
        Decimal("-15"),
        weekdays=(1, 2, 3, 4, 5),
        start_time=time(8),
        end_time=time(9),
        service_codes=("exterior-wash", "full-wash"),
        priority=50,
    ),
)


@dataclass(frozen=True)
class PromoSpec:
    code: str
    kind: str
    value: Decimal
    min_order_total: Decimal = Decimal("0.00")
    max_redemptions: int | None = None


PROMO_CODES = (
    PromoSpec("WELCOME10", "percent", Decimal("10"), min_order_total=Decimal("30.00")),
    PromoSpec("SHINE5", "amount", Decimal("5.00"), min_order_total=Decimal("25.00")),
)

# --- people --------------------------------------------------------------------------------

FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Jade", "Louise", "Emma", "Alice",
    "Julie", "Claire", "Sophie", "Nathalie", "Isabelle", "Hélène", "Lucas", "Hugo", "Louis",
    "Gabriel", "Arthur", "Jules", "Thomas", "Nicolas", "Julien", "Antoine", "Maxime", "Pierre",
    "Mathieu", "Olivier", "Sébastien", "Karim", "Mehdi", "Yanis", "Théo", "Paul", "Noah",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
    "Benali", "Nguyen", "Da Silva", "Perrin", "Morin",
)  # fmt: skip


@dataclass(frozen=True)
class CarModel:
    make: str
    model: str
    category: str
    energies: tuple[str, ...]
    weight: int = 1
    colours: tuple[str, ...] = field(default=("white", "grey", "black", "blue", "red", "silver"))


CAR_MODELS = (
    CarModel("Renault", "Clio", "small", ("petrol", "diesel", "hybrid"), 5),
    CarModel("Peugeot", "208", "small", ("petrol", "diesel", "electric"), 5),
    CarModel("Citroën", "C3", "small", ("petrol", "diesel"), 3),
    CarModel("Dacia", "Sandero", "small", ("petrol", "other"), 4),
    CarModel("Toyota", "Yaris", "small", ("hybrid",), 3),
    CarModel("Renault", "Zoe", "small", ("electric",), 2),
    CarModel("Fiat", "500", "small", ("petrol", "electric"), 2),
    CarModel("Volkswagen", "Golf", "medium", ("petrol", "diesel", "hybrid"), 3),
    CarModel("Peugeot", "308", "medium", ("petrol", "diesel", "hybrid"), 3),
    CarModel("Tesla", "Model 3", "medium", ("electric",), 2),
    CarModel("Renault", "Mégane E-Tech", "medium", ("electric",), 1),
    CarModel("BMW", "Série 3", "medium", ("diesel", "petrol", "hybrid"), 1),
    CarModel("Peugeot", "3008", "large", ("diesel", "hybrid", "petrol"), 3),
    CarModel("Dacia", "Duster", "large", ("diesel", "petrol"), 2),
    CarModel("Toyota", "RAV4", "large", ("hybrid",), 2),
    CarModel("Tesla", "Model Y", "large", ("electric",), 1),
    CarModel("Renault", "Kangoo", "van", ("diesel", "electric"), 2),
    CarModel("Citroën", "Berlingo", "van", ("diesel",), 2),
    CarModel("Ford", "Transit Custom", "van", ("diesel",), 1),
)

# SIV plates use neither I, O nor U.
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"

NICKNAMES = ("", "", "", "", "Daily", "Work van", "Family car", "Weekend car")

# --- bookings ------------------------------------------------------------------------------

# How often each service is booked (the others share what is left).
SERVICE_WEIGHTS = {
    "exterior-wash": 14,
    "full-wash": 16,
    "premium-detailing": 5,
    "ceramic-coating": 1,
    "oil-change": 9,
    "brake-check": 4,
    "aircon-service": 3,
    "tyre-swap": 8,
    "wheel-alignment": 3,
    "diagnostics": 5,
    "ev-battery-check": 3,
}
OPTION_PROBABILITY = 0.25
PROMO_PROBABILITY = 0.08
NOTE_PROBABILITY = 0.15
OPERATOR_BOOKS_PROBABILITY = 0.12  # booked on the phone by an operator
RATING_PROBABILITY = 0.6

CUSTOMER_NOTES = {
    "en": (
        "Keys at the reception desk.",
        "Please call me when it's ready.",
        "There is a child seat in the back.",
        "Small scratch on the rear bumper, already there.",
    ),
    "fr": (
        "Clés à l'accueil.",
        "Merci de m'appeler quand c'est prêt.",
        "Il y a un siège enfant à l'arrière.",
        "Petite rayure sur le pare-chocs arrière, déjà présente.",
    ),
}
RATING_COMMENTS = {
    "en": {
        5: ("Spotless, thank you!", "Great job and on time.", ""),
        4: ("Good work, a bit of waiting at drop-off.", ""),
        3: ("OK, but the interior could be cleaner.", ""),
        2: ("Took much longer than announced.",),
        1: ("Disappointed: the car came back dirty.",),
    },
    "fr": {
        5: ("Impeccable, merci !", "Travail soigné et dans les temps.", ""),
        4: ("Bon travail, un peu d'attente au dépôt.", ""),
        3: ("Correct, mais l'intérieur aurait pu être mieux nettoyé.", ""),
        2: ("Beaucoup plus long que prévu.",),
        1: ("Déçu : la voiture est revenue sale.",),
    },
}
STAR_WEIGHTS = {5: 50, 4: 30, 3: 12, 2: 5, 1: 3}
OPERATOR_CANCEL_REASONS = (
    "Parts not delivered in time.",
    "Bay out of order (lift inspection).",
    "Customer asked by phone to cancel.",
    "Duplicate booking.",
)
