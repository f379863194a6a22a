"""The booking desk (/admin/bookings/booking/book/, issue 17 item 1): who may open it, the
customer search by name, e-mail, phone and plate, taking a customer on, adding a vehicle, the
prefill from the board's "Book here", the price and free starts, booking with the precise
refusals in the form, and a query count that does not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from bookings.models import Booking, BookingEvent
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, messages_of, raw_booking
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

DESK = f"{CHANGELIST}book/"


@pytest.fixture
def world(db: None) -> World:
    return make_world(resources=2)


def _customer(**fields: Any) -> Any:
    customer = UserFactory.create(**fields)
    VehicleFactory.create(owner=customer, plate="GH456JK")
    return customer


def _book_form(world: World, hour: int = 10, **extra: str) -> dict[str, str]:
    return {
        "action": "book",
        "customer": str(world.customer.public_id),
        "vehicle": str(world.vehicle.public_id),
        "site": str(world.site.pk),
        "service": world.service.code,
        "day": world.day.date().isoformat(),
        "start": at(world.day, hour).isoformat(),
        **extra,
    }


def test_only_operators_who_may_change_bookings_open_the_desk(
    world: World, operator_client: Client
) -> None:
    assert operator_client.get(DESK).status_code == 200
    technician = UserFactory.create(is_staff=True, roles=["technician"])
    client = Client()
    client.force_login(technician)
    assert client.get(DESK).status_code == 403
    assert client.post(DESK, _book_form(world)).status_code == 403
    assert not Booking.objects.exists()
    assert Client().get(DESK).status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Dupont", True),
        ("jean dup", True),  # every word in the first or last name
        ("jean.dupont@example", True),
        ("06 12 34", True),  # the digits of the phone, separators aside
        ("0612 3456", True),
        ("gh-456", True),  # a plate, typed any way
        ("Durand", False),
    ],
)
def test_the_search_finds_a_customer_by_name_e_mail_phone_or_plate(
    world: World, operator_client: Client, term: str, found: bool
) -> None:
    customer = _customer(
        first_name="Jean", last_name="Dupont", email="jean.dupont@example.com",
        phone="06 12 34 56 78",
    )  # fmt: skip
    response = operator_client.get(DESK, {"q": term})
    assert response.status_code == 200
    shown = [card.id for card, _url in response.context["results"]]
    assert (customer.public_id in shown) is found
    if found:
        assert f"customer={customer.public_id}" in response.content.decode()


def test_staff_are_not_customers_to_book_for(world: World, operator_client: Client) -> None:
    response = operator_client.get(DESK, {"q": world.operator.email})
    assert response.context["results"] == []


def test_a_walk_in_without_an_e_mail_address_is_taken_on(
    world: World, operator_client: Client
) -> None:
    response = operator_client.post(
        DESK,
        {"action": "customer", "new-first_name": "Ana", "new-phone": "07 00 00 00 01",
         "site": str(world.site.pk), "service": world.service.code},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(first_name="Ana")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["customer"] == [str(user.public_id)]
    assert query["site"] == [str(world.site.pk)]  # the choices are kept
    assert user.email.endswith("@walk-in.invalid")
    assert not user.has_usable_password()
    page = operator_client.get(response["Location"])
    assert "walk-in, no e-mail address" in page.content.decode()


def test_an_existing_e_mail_address_chooses_that_customer(
    world: World, operator_client: Client
) -> None:
    before = User.objects.count()
    response = operator_client.post(
        DESK, {"action": "customer", "new-first_name": "X", "new-email": world.customer.email}
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["customer"] == [
        str(world.customer.public_id)
    ]
    assert User.objects.count() == before


def test_a_vehicle_is_added_for_the_chosen_customer(world: World, operator_client: Client) -> None:
    response = operator_client.post(
        DESK,
        {"action": "vehicle", "customer": str(world.customer.public_id), "car-plate": "xy 987 zt",
         "car-make": "Peugeot", "car-model": "208", "car-year": "2021", "car-category": "small",
         "car-energy": "electric"},
    )  # fmt: skip
    assert response.status_code == 302
    vehicle = world.customer.vehicles.get(plate="XY987ZT")
    assert parse_qs(urlsplit(response["Location"]).query)["vehicle"] == [str(vehicle.public_id)]
    bad = operator_client.post(
        DESK,
        {"action": "vehicle", "customer": str(world.customer.public_id), "car-plate": "x",
         "car-make": "P", "car-model": "2", "car-year": "2021", "car-category": "small",
         "car-energy": "electric"},
    )  # fmt: skip
    assert bad.status_code == 200
    assert bad.context["vehicle_form"].non_field_errors()


def test_the_board_cell_prefills_the_desk(world: World, operator_client: Client) -> None:
    bay = world.resources[1]
    start = at(world.day, 14, 30)
    response = operator_client.get(
        DESK,
        {"site": str(world.site.pk), "resource": str(bay.pk), "start": start.isoformat(),
         "service": world.service.code, "category": "van"},
    )  # fmt: skip
    desk = response.context["desk"]
    assert (desk.site.pk, desk.resource, desk.category) == (world.site.pk, bay.pk, "van")
    assert desk.day == world.day.date()
    assert desk.service["code"] == world.service.code
    first = response.context["days"][0]
    assert first.day == world.day.date()
    chosen = [s for s in first.starts if s.chosen]
    assert [s.label for s in chosen] == ["14:30"]
    assert [d.day for d in response.context["days"]] == [
        world.day.date() + timedelta(days=n) for n in range(3)
    ]
    assert response.context["quote"].category == "van"


def test_the_live_fragment_has_the_price_and_the_starts(
    world: World, operator_client: Client
) -> None:
    response = operator_client.get(DESK, {"site": str(world.site.pk), "live": "1"})
    body = response.content.decode()
    assert 'id="desk-quote"' in body
    assert 'id="desk-book"' in body
    assert "<html" not in body


def test_a_booking_goes_to_the_board_of_its_day_with_its_reference(
    world: World, operator_client: Client
) -> None:
    response = operator_client.post(DESK, _book_form(world, confirm_now="1"), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0].startswith(f"{CHANGELIST}planning/")
    assert f"day={world.day.date().isoformat()}" in response.redirect_chain[-1][0]
    assert any(booking.reference in text for text in messages_of(response))
    assert booking.state == "confirmed"
    assert booking.customer_id == world.customer.pk
    assert booking.reference in response.content.decode()  # its block on the board


def test_a_refusal_is_shown_in_the_form_and_nothing_is_stored(
    world: World, operator_client: Client
) -> None:
    for bay in world.resources:
        _other, vehicle = world.new_customer()
        raw_booking(world, at(world.day, 10), resource=bay, vehicle=vehicle, state="confirmed")
    response = operator_client.post(DESK, _book_form(world))
    assert response.status_code == 200
    refusals = response.context["refusals"]
    assert refusals[0] == "Every resource that can do it is booked at that time."
    assert any(line.startswith("Bay 1: Booked at that time") for line in refusals)
    assert Booking.objects.count() == 2
    assert 'id="desk-refusals"' in response.content.decode()


def test_too_soon_without_the_override_and_booked_with_it(clock: FakeClock, db: None) -> None:
    world = make_world(resources=1, min_notice_minutes=120)
    clock.set(at(world.day, 9))
    client = Client()
    client.force_login(world.operator)
    refused = client.post(DESK, _book_form(world, 10))
    assert refused.status_code == 200
    assert "This start is too soon" in " ".join(refused.context["refusals"])
    assert not Booking.objects.exists()
    page = client.get(DESK, {"site": str(world.site.pk), "service": world.service.code})
    first = page.context["days"][0].starts[0]
    assert (first.label, first.inside_notice) == ("09:00", True)  # offered, marked
    booked = client.post(
        DESK, _book_form(world, 10, override_notice="1", override_reason="At the counter")
    )
    assert booked.status_code == 302
    row = BookingEvent.objects.get(action="create")
    assert row.details["notice_override"] is True
    assert row.reason == "At the counter"


def test_the_desk_is_linked_from_the_index_and_the_board(
    world: World, operator_client: Client
) -> None:
    assert 'id="new-booking-link"' in operator_client.get("/admin/").content.decode()
    board = operator_client.get(f"{CHANGELIST}planning/", {"site": world.site.pk})
    assert f"{DESK}?site={world.site.pk}" in board.content.decode()


# Session, user, the user's access (permissions and roles: one query, was 3); the sites, the
# site's resources; the chosen customer, their vehicles; the quote (its service with the price
# rules, one read); the free starts (the service, sites with resources, closures with date
# exceptions (one UNION ALL), busy time); the search (plate owners, customers). The catalogue's
# listing is cached.
DESK_QUERIES = 14


def _count(client: Client, query: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DESK, query)
        assert response.status_code == 200
    return len(queries)


def test_the_desk_costs_the_same_whatever_the_number_of_customers_and_bookings(
    world: World, operator_client: Client
) -> None:
    query = {
        "customer": str(world.customer.public_id),
        "site": str(world.site.pk),
        "service": world.service.code,
        "day": world.day.date().isoformat(),
        "q": "al",
    }
    VehicleFactory.create(owner=world.customer)
    _customer(first_name="Anna")
    operator_client.get(DESK, query)  # the catalogue is cached from here on
    small = _count(operator_client, query)
    for n in range(15):
        customer = _customer(first_name=f"Alan{n}")
        VehicleFactory.create(owner=world.customer)
        raw_booking(
            world,
            at(world.day, 8) + timedelta(minutes=30 * (n % 16), days=n % 3),
            resource=world.resources[n % 2],
            vehicle=customer.vehicles.first(),
            state="confirmed",
        )
    response = operator_client.get(DESK, query)
    assert len(response.context["results"]) > 10
    assert len(response.context["desk"].owned) > 10
    assert _count(operator_client, query) == small
    assert small == DESK_QUERIES


def test_the_desk_speaks_french(world: World, operator_client: Client) -> None:
    response = operator_client.get(
        DESK, {"site": world.site.pk}, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"
    )
    translation.deactivate()  # a French request leaves French active in this thread
    body = response.content.decode()
    for words in ("Nouvelle réservation", "Trouver un client", "Créneaux libres", "Total TTC"):
        assert words in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vehicle", "", "Choose the customer and their vehicle first."),
        ("vehicle", "not-a-vehicle", "Choose the customer and their vehicle first."),
        ("service", "no-such-service", "Choose the site and the service."),
        ("start", "", "Choose one of the free start times."),
        ("start", "2026-12-07T10:00", "Choose one of the free start times."),  # no offset
    ],
)
def test_a_booking_names_everything_it_books(
    world: World, operator_client: Client, field: str, value: str, message: str
) -> None:
    """The page's lenient defaults (the first vehicle or service) never stand in for a missing
    or unknown one when booking."""
    response = operator_client.post(DESK, {**_book_form(world), field: value})
    assert response.status_code == 200
    assert response.context["refusals"] == [message]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"site": "²"},  # "²".isdigit() is True, int("²") is not a number
        {"resource": "²"},
        {"start": "0001-01-01T00:00+05:00"},  # before year 1 in UTC
        {"start": "9999-12-31T23:59-05:00"},  # after year 9999 in UTC
    ],
)
def test_an_unknown_choice_in_the_query_is_simply_not_chosen(
    world: World, operator_client: Client, query: dict[str, str]
) -> None:
    response = operator_client.get(DESK, query)
    assert response.status_code == 200
    desk = response.context["desk"]
    assert desk.site.pk == world.site.pk  # the first site, as without a choice
    assert desk.resource is None
    assert desk.start == ""


@pytest.mark.parametrize("start", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_booking_a_start_out_of_the_calendar_asks_for_a_free_start(
    world: World, operator_client: Client, start: str
) -> None:
    response = operator_client.post(DESK, _book_form(world, start=start))
    assert response.status_code == 200
    assert response.context["refusals"] == ["Choose one of the free start times."]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(("accept", "language"), [("fr-FR,fr;q=0.9", "fr"), ("en-GB", "en")])
def test_a_walk_in_customer_hears_in_the_operators_language(
    world: World, operator_client: Client, accept: str, language: str
) -> None:
    response = operator_client.post(
        DESK,
        {"action": "customer", "new-first_name": "Zoé", "new-email": "zoe@example.com"},
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    translation.deactivate()  # a French request leaves French active in this thread
    assert response.status_code == 302
    assert User.objects.get(email="zoe@example.com").language == language


def test_a_staff_accounts_e_mail_address_is_refused_not_chosen(
    world: World, operator_client: Client
) -> None:
    response = operator_client.post(
        DESK, {"action": "customer", "new-first_name": "X", "new-email": world.operator.email}
    )
    assert response.status_code == 200
    assert response.context["customer_form"].non_field_errors() == [
        "This e-mail address belongs to a staff account, not a customer's."
    ]
    assert response.context["desk"].customer is None
    french = operator_client.post(
        DESK,
        {"action": "customer", "new-first_name": "X", "new-email": world.operator.email},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    translation.deactivate()
    assert "appartient à un compte du personnel" in french.content.decode()


def test_the_customers_vehicles_are_shown_with_their_category_and_energy_in_french(
    world: World, operator_client: Client
) -> None:
    response = operator_client.get(
        DESK, {"customer": str(world.customer.public_id)}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    translation.deactivate()
    body = response.content.decode()
    vehicle = world.vehicle
    assert vehicle.category == "small"
    assert vehicle.energy == "petrol"
    assert "(Petite voiture, Essence)" in body
    assert "(small, petrol)" not in body
