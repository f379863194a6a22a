"""PATCH me and PATCH bookings/{id} answer a field they cannot change the same way: 400
`read_only_field` naming each field of the resource that is read-only there, `unknown_field` for a
name the resource does not have, and nothing is changed; the schema says that no other field is
accepted. The rate endpoint takes the names the booking shows (`rating`, `rating_comment`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from tests.bookings.factories import BookingFactory, World, at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db

READ_ONLY = ["This field is read-only."]
UNKNOWN = ["Unknown field."]


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world()
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _booking(world: World, client_for: Callable[[User], APIClient]) -> str:
    response = client_for(world.customer).post(
        "/api/v1/bookings",
        world.booking_body(),
        format="json",
    )
    assert response.status_code == 201, response.content
    return f"/api/v1/bookings/{response.json()['id']}"


def _user(world: World) -> tuple[Any, ...]:
    user = User.objects.get(pk=world.customer.pk)
    return (user.email, user.first_name, user.last_name, user.phone, user.language)


def _patch_me(
    world: World, client_for: Callable[[User], APIClient], body: dict[str, Any]
) -> tuple[Any, bool]:
    """The answer, and whether the stored account stayed as it was."""
    before = _user(world)
    response = client_for(world.customer).patch("/api/v1/me", body, format="json")
    return response, _user(world) == before


def _stored(url: str) -> tuple[Any, ...]:
    booking = Booking.objects.get(public_id=url.rsplit("/", 1)[1])
    return (booking.state, booking.total, booking.start, booking.customer_note)


def _patch_booking(
    world: World, client_for: Callable[[User], APIClient], body: dict[str, Any]
) -> tuple[Any, bool]:
    """The answer, and whether the stored booking stayed as it was."""
    url = _booking(world, client_for)
    before = _stored(url)
    response = client_for(world.customer).patch(url, body, format="json")
    return response, _stored(url) == before


CASES = [
    pytest.param(
        _patch_me,
        {"first_name": "Paul", "email": "hijack@example.com"},
        {"email": READ_ONLY},
        "read_only_field",
        id="me-email",
    ),
    pytest.param(
        _patch_me,
        {"first_name": "Paul", "roles": ["operator"], "date_joined": "2020-01-01T00:00:00Z"},
        {"roles": READ_ONLY, "date_joined": READ_ONLY},
        "read_only_field",
        id="me-roles",
    ),
    pytest.param(
        _patch_me,
        {"first_name": "Paul", "nick": "P"},
        {"nick": UNKNOWN},
        "unknown_field",
        id="me-typo",
    ),
    pytest.param(
        _patch_booking,
        {"customer_note": "Gate 4", "state": "confirmed", "total": "1.00", "start": "2030-01-07"},
        {"state": READ_ONLY, "total": READ_ONLY, "start": READ_ONLY},
        "read_only_field",
        id="booking-state-total-start",
    ),
    pytest.param(
        _patch_booking,
        {"customer_note": "Gate 4", "note": "typo"},
        {"note": UNKNOWN},
        "unknown_field",
        id="booking-typo",
    ),
    pytest.param(
        _patch_booking,
        {"customer_note": "Gate 4", "total": "1.00", "note": "typo"},
        {"total": READ_ONLY, "note": UNKNOWN},
        "read_only_field",  # the read-only field decides the code; every field is named
        id="booking-both",
    ),
]


@pytest.mark.parametrize(("patch", "body", "details", "code"), CASES)
def test_a_field_the_patch_cannot_change_is_a_400_naming_it_and_nothing_changes(
    world: World,
    client_for: Callable[[User], APIClient],
    patch: Any,
    body: dict[str, Any],
    details: dict[str, list[str]],
    code: str,
) -> None:
    response, unchanged = patch(world, client_for, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["details"] == details
    for name in details:
        assert name in error["message"]
    assert unchanged  # not even the writable field sent with them


def test_the_messages_are_translated(world: World, client_for: Callable[[User], APIClient]) -> None:
    response = client_for(world.customer).patch(
        "/api/v1/me", {"email": "x@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.json()["error"]["details"] == {"email": ["Ce champ est en lecture seule."]}


def test_a_patch_of_writable_fields_still_works(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    me = client_for(world.customer).patch("/api/v1/me", {"first_name": "Paul"}, format="json")
    assert (me.status_code, me.json()["first_name"]) == (200, "Paul")
    url = _booking(world, client_for)
    note = client_for(world.customer).patch(url, {"customer_note": "Gate 4"}, format="json")
    assert (note.status_code, note.json()["customer_note"]) == (200, "Gate 4")


def test_the_schema_accepts_no_other_field_in_these_bodies(api_client: APIClient) -> None:
    schemas = api_client.get("/api/v1/schema?format=json").json()["components"]["schemas"]
    for name in ("PatchedProfileUpdateRequest", "PatchedBookingNotesRequest", "RateRequest"):
        assert schemas[name]["additionalProperties"] is False, name
    assert set(schemas["RateRequest"]["properties"]) == {"rating", "rating_comment"}


def test_rating_goes_in_and_comes_out_under_the_same_names(
    world: World, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    booking = BookingFactory.create(
        vehicle=world.vehicle,
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=at(world.day, 10),
        state="completed",
        completed_at=at(world.day, 11),
    )
    clock.set(at(world.day, 12))
    url = f"/api/v1/bookings/{booking.public_id}/rate"
    old_names = client_for(world.customer).post(url, {"stars": 5, "comment": "Top"}, format="json")
    assert old_names.status_code == 400
    assert old_names.json()["error"]["code"] == "unknown_field"
    assert old_names.json()["error"]["details"] == {"stars": UNKNOWN, "comment": UNKNOWN}

    rated = client_for(world.customer).post(
        url, {"rating": 5, "rating_comment": "Top"}, format="json"
    )
    assert rated.status_code == 200, rated.content
    assert (rated.json()["rating"], rated.json()["rating_comment"]) == (5, "Top")
