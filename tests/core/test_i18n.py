"""French: API errors follow Accept-Language, the admin follows the browser's language, and the
committed catalogue is complete (no untranslated or fuzzy entry, placeholders kept) and compiled."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from bookings.models import Booking
from core.errors import Text, ValidationFailed, gettext_noop, translate_details
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse


class _Language(TypedDict):
    """The WSGI environ entry a browser's Accept-Language header becomes (a request's extra)."""

    HTTP_ACCEPT_LANGUAGE: str


FR: _Language = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}
EN: _Language = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr%]")


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """A French request leaves French active in this thread; later tests must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture
def world(db: None, clock: FakeClock) -> World:
    world = make_world(resources=1)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _book(
    client: APIClient, world: World, headers: _Language | None = None, **extra: Any
) -> _MonkeyPatchedResponse:
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
        **extra,
    }
    if headers is None:
        return client.post("/api/v1/bookings", body, format="json")
    return client.post("/api/v1/bookings", body, format="json", **headers)


class _JsonResponse(Protocol):
    """What the test clients (Django's and DRF's) answer: a response that parses its body."""

    def json(self) -> Any: ...


def _error(response: _JsonResponse) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


# API


def test_an_unknown_booking_is_a_404_in_the_callers_language(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    client = client_for(world.customer)
    url = f"/api/v1/bookings/{uuid.uuid4()}"
    french, english, default = client.get(url, **FR), client.get(url, **EN), client.get(url)
    assert french.status_code == english.status_code == default.status_code == 404
    assert _error(french)["message"] == "Introuvable."
    assert _error(english)["message"] == _error(default)["message"] == "Not found."
    assert _error(french)["code"] == _error(english)["code"]  # the code never changes
    assert french["Content-Language"] == "fr"


def test_drf_field_errors_come_from_drfs_french_catalogue(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    client = client_for(world.customer)
    french = client.post("/api/v1/bookings", {}, format="json", **FR)
    english = client.post("/api/v1/bookings", {}, format="json")
    assert french.status_code == english.status_code == 400
    assert _error(french)["message"] == "Données invalides."
    assert _error(french)["details"]["service"] == ["Ce champ est obligatoire."]
    assert _error(english)["message"] == "Invalid input."
    assert _error(english)["details"]["service"] == ["This field is required."]


def test_a_promo_refusal_is_worded_in_french(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    client = client_for(world.customer)
    french = _book(client, world, headers=FR, promo_code="nope")
    english = _book(client, world, promo_code="nope")
    assert french.status_code == english.status_code == 409
    assert _error(french)["code"] == _error(english)["code"] == "promo_unknown"
    assert _error(french)["message"] == "Le code promo NOPE n’existe pas."
    assert _error(english)["message"] == "The promo code NOPE does not exist."
    assert not Booking.objects.exists()


def test_an_invalid_transition_names_the_action_and_state_in_french(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    booking = _book(client_for(world.customer), world).json()
    operator = client_for(world.operator)
    url = f"/api/v1/bookings/{booking['id']}/complete"
    french, english = operator.post(url, **FR), operator.post(url)
    assert french.status_code == english.status_code == 409
    assert _error(french)["message"] == (
        "Cette action (fin des travaux) n’est pas permise tant que la réservation est en attente."
    )
    assert _error(english)["message"] == (
        "This action (completion) is not allowed while the booking is pending."
    )
    assert _error(french)["details"] == {"state": "pending", "action": "complete"}


def test_a_domain_refusals_field_details_are_translated_too(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    booking = _book(client_for(world.customer), world).json()
    operator = client_for(world.operator)
    url = f"/api/v1/bookings/{booking['id']}/cancel"
    french = operator.post(url, {"reason": "  "}, format="json", **FR)
    assert french.status_code == 400
    assert _error(french)["message"] == "Les opérateurs doivent indiquer un motif d’annulation."
    assert _error(french)["details"] == {"reason": ["Un motif est obligatoire."]}
    english = operator.post(url, {"reason": ""}, format="json")
    assert _error(english)["details"] == {"reason": ["A reason is required."]}
    assert Booking.objects.get(public_id=booking["id"]).state == "pending"


def test_an_unknown_api_url_answers_the_envelope_in_french(db: None) -> None:
    response = Client().get("/api/v1/no-such-thing", **FR)
    assert response.status_code == 404
    assert _error(response)["message"] == "Aucun point d’accès de l’API ne correspond à cette URL."


def test_text_reads_as_english_and_translates_with_its_params() -> None:
    text = Text(gettext_noop("At most %(count)s characters."), count=1000)
    assert text == "At most 1000 characters."  # a plain str for comparisons and JSON
    error = ValidationFailed(details={"comment": [text]})
    with translation.override("fr"):
        assert translate_details(error.details, translation.gettext) == {
            "comment": ["1000 caractères au maximum."]
        }


# Admin


def test_the_admin_login_page_follows_the_browsers_language(db: None) -> None:
    french = Client().get("/admin/login/", **FR).content.decode()
    english = Client().get("/admin/login/", **EN).content.decode()
    assert "Back-office de l’atelier auto" in french
    assert "Adresse e-mail" in french
    assert "Connexion" in french
    assert "Car service back-office" in english
    assert "Log in" in english


def test_the_bookings_changelist_is_in_french(world: World) -> None:
    from tests.bookings.admin.conftest import raw_booking

    raw_booking(world, at(world.day, 10))
    client = Client()
    client.force_login(world.operator)
    page = client.get("/admin/bookings/booking/", **FR).content.decode()
    for words in ("Réservations", "Début (heure du site)", "jour (heure du site)", "en attente"):
        assert words in page
    assert "Confirmer les réservations sélectionnées" in page
    english = client.get("/admin/bookings/booking/", **EN).content.decode()
    assert "Start (site time)" in english
    assert "Confirm selected bookings" in english


def test_an_admin_refusal_is_shown_in_french(world: World) -> None:
    from tests.bookings.admin.conftest import messages_of, raw_booking

    booking = raw_booking(world, at(world.day, 10))
    client = Client()
    client.force_login(world.operator)
    response = client.post(
        f"/admin/bookings/booking/{booking.pk}/transition/complete/", follow=True, **FR
    )
    assert (
        "Cette action (fin des travaux) n’est pas permise tant que la réservation est en attente."
        in messages_of(response)
    )


# The catalogue


def _po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def _forms(string: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's translation as its forms (one unless plural); Babel fills it when reading."""
    assert string is not None, "a message read from a catalogue has no translation at all"
    return (string,) if isinstance(string, str) else tuple(string)


def test_there_is_a_french_catalogue() -> None:
    assert LOCALE / "fr" / "LC_MESSAGES" / "django.po" in _po_files()


# The translation functions the apps call (django.utils.translation and core.errors' own noop).
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}
APPS = ("config", "core", "accounts", "vehicles", "pricing", "scheduling", "bookings")


def test_every_message_in_the_code_is_in_the_french_catalogue() -> None:
    """A string marked for translation in Python but never added to the catalogue is shown in
    English to French readers without any other test noticing (extracted with Babel, as
    makemessages would, without needing GNU gettext)."""
    from babel.messages.extract import extract_from_file

    with (LOCALE / "fr" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po_file) if m.id}
    missing = []
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for lineno, message, _comments, _context in extract_from_file(
                "python", str(path), keywords=KEYWORDS
            ):
                msgid = message if isinstance(message, str) else message[0]
                if msgid and msgid not in known:
                    missing.append(f"{path.relative_to(root)}:{lineno}: {msgid!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("po_path", _po_files(), ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_message_is_translated_with_its_placeholders(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = list(_forms(message.string))
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        # The last English form carries every placeholder; each French form keeps them, except
        # the singular, which may spell out "one".
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for index, string in enumerate(strings):
            found = sorted(set(PLACEHOLDER.findall(string)))
            if found != wanted and not (
                len(strings) > 1 and index == 0 and set(found) < set(wanted)
            ):
                problems.append(f"placeholders {found} instead of {wanted}: {ids[0]!r}")
    assert problems == []


@pytest.mark.parametrize("po_path", _po_files(), ids=lambda p: str(p.relative_to(LOCALE)))
def test_the_compiled_catalogue_matches_its_po(po_path: Path) -> None:
    """The install step compiles the .po files (deploy/compile_messages.py); a stale or missing
    .mo would serve English or old wording."""

    def entries(catalogue: Catalog) -> dict[str, tuple[str, ...]]:
        return {
            str(m.id if isinstance(m.id, str) else m.id[0]): _forms(m.string)
            for m in catalogue
            if m.id
        }

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run deploy/compile_messages.py"
    with po_path.open("rb") as po_file, mo_path.open("rb") as mo_file:
        po, mo = entries(read_po(po_file)), entries(read_mo(mo_file))
    assert mo == po, f"{mo_path} is stale: run deploy/compile_messages.py"


def test_the_booking_page_shows_french_words_and_amounts(world: World) -> None:
    from tests.bookings.admin.conftest import change_url, raw_booking

    booking = raw_booking(world, at(world.day, 10))
    client = Client()
    client.force_login(world.operator)
    french = client.get(change_url(booking), **FR).content.decode()
    assert "Petite voiture" in french  # the category's name, not its code
    assert f"{booking.total:.2f}".replace(".", ",") + " EUR" in french
    english = client.get(change_url(booking), **EN).content.decode()
    assert "Small car" in english
    assert f"{booking.total:.2f} EUR" in english
