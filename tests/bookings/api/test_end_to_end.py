"""Whole journeys through the API, as a client app and an operator would make them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from accounts.models import User
from tests.bookings.factories import at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db


def _auth(client: APIClient, email: str, password: str) -> None:
    tokens = client.post("/api/v1/auth/token", {"email": email, "password": password}).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")


def test_register_to_rating(
    clock: FakeClock,
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world = make_world()
    slot = at(world.day, 10)
    clock.set(slot - timedelta(days=3))
    app = APIClient()

    password = "a-long-enough-password-9"
    registered = app.post(
        "/api/v1/auth/register",
        {"email": "lea@example.com", "password": password, "first_name": "Léa", "language": "fr"},
    )
    assert registered.status_code == 202
    _auth(app, "lea@example.com", password)

    vehicle = app.post(
        "/api/v1/vehicles",
        {
            "plate": "ab-123-cd",
            "make": "Peugeot",
            "model": "208",
            "year": 2021,
            "category": "small",
            "energy": "petrol",
        },
    )
    assert vehicle.status_code == 201, vehicle.content
    vehicle_id = vehicle.json()["id"]

    quote = app.post("/api/v1/quotes", {"service": world.service.code, "vehicle": vehicle_id})
    assert quote.status_code == 200, quote.content
    assert quote.json()["total"] == "50.00"

    day = slot.date().isoformat()
    availability = app.get(
        "/api/v1/availability",
        {
            "service": world.service.code,
            "vehicle": vehicle_id,
            "site": str(world.site.public_id),
            "from": day,
            "to": day,
        },
    )
    assert availability.status_code == 200, availability.content
    starts = [s["start"] for s in availability.json()["starts"]]
    assert slot.isoformat() in starts

    with django_capture_on_commit_callbacks(execute=True):
        created = app.post(
            "/api/v1/bookings",
            {
                "vehicle": vehicle_id,
                "service": world.service.code,
                "site": str(world.site.public_id),
                "start": slot.isoformat(),
                "expected_total": "50.00",
                "customer_note": "Please check the tyres too",
            },
        )
    assert created.status_code == 201, created.content
    booking = created.json()
    assert booking["state"] == "pending"
    assert booking["start"] == slot.isoformat()  # site-local with its offset
    assert booking["actions"] == ["reschedule", "cancel"]
    assert "reçue" in mail.outbox[-1].subject  # her language

    # The slot is gone for everyone else.
    again = app.get(
        "/api/v1/availability",
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "from": day,
            "to": day,
        },
    )
    assert slot.isoformat() not in [s["start"] for s in again.json()["starts"]]

    operator = client_for(world.operator)
    url = f"/api/v1/bookings/{booking['id']}"
    confirmed = operator.post(f"{url}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "confirmed"

    clock.set(slot - timedelta(minutes=10))
    assert operator.post(f"{url}/start").json()["state"] == "in_progress"
    clock.set(slot + timedelta(minutes=50))
    assert operator.post(f"{url}/complete").json()["state"] == "completed"

    clock.set(slot + timedelta(days=1))
    rated = app.post(f"{url}/rate", {"rating": 5, "rating_comment": "Parfait"})
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"] == 5

    history = app.get(f"{url}/history").json()["results"]
    assert [(h["action"], h["to_state"]) for h in history] == [
        ("create", "pending"),
        ("confirm", "confirmed"),
        ("start", "in_progress"),
        ("complete", "completed"),
        ("rate", "completed"),
    ]


def test_book_then_cancel_three_hours_before_pays_half(
    clock: FakeClock, client_for: Callable[[User], APIClient]
) -> None:
    world = make_world()
    slot = at(world.day, 15)
    clock.set(slot - timedelta(days=2))
    customer = client_for(world.customer)
    created = customer.post(
        "/api/v1/bookings",
        {
            "vehicle": str(world.vehicle.public_id),
            "service": world.service.code,
            "site": str(world.site.public_id),
            "start": slot.isoformat(),
        },
    ).json()
    url = f"/api/v1/bookings/{created['id']}"
    assert client_for(world.operator).post(f"{url}/confirm").status_code == 200

    clock.set(slot - timedelta(hours=3))
    cancelled = customer.post(f"{url}/cancel", {"reason": "Car broke down"})
    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert body["state"] == "cancelled"
    assert Decimal(body["fee"]) == Decimal("25.00")
    assert body["cancellation_reason"] == "Car broke down"
