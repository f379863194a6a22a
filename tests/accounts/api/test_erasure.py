"""DELETE me erases (docs/rules/accounts.md, "Erasure"), and GET me/export lists everything we
hold about the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import LoginSession, User
from bookings.models import Booking
from core.models import EmailNotification, OutboxEvent, WebhookDelivery, WebhookEndpoint
from tests.accounts.factories import PASSWORD
from tests.bookings.factories import BookingFactory, World, at, make_world
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def _booking(world: World, hour: int, state: str, **fields: Any) -> Booking:
    start = at(world.day, hour)
    booking: Booking = BookingFactory.create(
        vehicle=world.vehicle,
        service=world.service,
        site=world.site,
        resource=world.resources[0],
        start=start,
        end=start + timedelta(hours=1),
        state=state,
        customer_note="Ring twice, I live at 3 rue X",
        **fields,
    )
    return booking


@pytest.fixture
def world() -> World:
    world = make_world()
    world.vehicle.nickname = "Grandma's car"
    world.vehicle.save()
    return world


def _login(user: User) -> dict[str, str]:
    answer = APIClient().post(
        "/api/v1/auth/token", {"email": user.email, "password": PASSWORD}, HTTP_USER_AGENT="Ph/1"
    )
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def _as(tokens: dict[str, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client


def test_closing_the_account_erases_the_person_and_their_vehicles(world: World) -> None:
    customer = world.customer
    second = VehicleFactory.create(owner=customer, plate="ZZ999ZZ", make="Tesla", nickname="Bolt")
    completed = _booking(world, 9, "completed", rating=5, rating_comment="Great, says Ann")
    charged = _booking(world, 11, "cancelled", fee=Decimal("25.00"))
    free_cancel = _booking(world, 13, "cancelled", fee=Decimal("0"))
    expired = _booking(world, 15, "expired")
    EmailNotification.objects.create(
        event=OutboxEvent.objects.create(
            type="booking.created",
            occurred_at=completed.created_at,
            aggregate_type="booking",
            aggregate_id=str(completed.public_id),
            payload={},
        ),
        recipient=customer.email,
        kind="booking_created",
        subject="Booking received, Ann",
        body_text="Hello Ann",
        next_attempt_at=completed.created_at,
        created_at=completed.created_at,
    )
    tokens = _login(customer)

    assert _as(tokens).delete("/api/v1/me").status_code == 204

    for vehicle in Vehicle.objects.filter(owner=customer):
        assert (vehicle.plate, vehicle.make, vehicle.model, vehicle.nickname) == (
            "ERASED",
            "",
            "",
            "",
        )
        assert vehicle.is_archived
        assert not vehicle.is_default
    assert Vehicle.objects.filter(pk=second.pk, plate="ERASED").exists()
    plates = {b.pk: b.vehicle_plate for b in Booking.objects.filter(customer=customer)}
    # The accounting rule: something was charged, the plate copy stays.
    assert plates[completed.pk] == plates[charged.pk] == world.vehicle.plate
    assert plates[free_cancel.pk] == plates[expired.pk] == "ERASED"
    assert set(
        Booking.objects.filter(customer=customer).values_list("customer_note", flat=True)
    ) == {""}
    assert Booking.objects.get(pk=completed.pk).rating_comment == ""
    assert Booking.objects.get(pk=completed.pk).rating == 5
    customer.refresh_from_db()
    assert customer.email.endswith("@anonymised.invalid")
    assert (customer.first_name, customer.last_name, customer.phone) == ("", "", "")
    assert not LoginSession.objects.filter(user=customer).exists()
    mail = EmailNotification.objects.get(kind="booking_created")
    assert (mail.recipient, mail.subject, mail.body_text) != (
        customer.email,
        "Booking received, Ann",
        "Hello Ann",
    )
    assert "Ann" not in mail.subject + mail.body_text
    refreshed = APIClient().post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401


def test_the_export_lists_everything_held(
    world: World, client_for: Callable[[Any], APIClient]
) -> None:
    customer = world.customer
    completed = _booking(world, 9, "completed", rating=4, rating_comment="Fine")
    event = OutboxEvent.objects.create(
        type="booking.completed",
        occurred_at=completed.created_at,
        aggregate_type="booking",
        aggregate_id=str(completed.public_id),
        payload={"booking": {"vehicle_plate": completed.vehicle_plate}},
    )
    endpoint = WebhookEndpoint.objects.create(
        url="https://crm.example.com/hooks",
        secret="whsec_x",
        event_types=["*"],
        created_at=completed.created_at,
    )
    WebhookDelivery.objects.create(
        event=event,
        endpoint=endpoint,
        next_attempt_at=completed.created_at,
        created_at=completed.created_at,
    )
    EmailNotification.objects.create(
        event=event,
        recipient=customer.email,
        kind="booking_completed",
        subject="Done",
        body_text="x",
        next_attempt_at=completed.created_at,
        created_at=completed.created_at,
    )
    _login(customer)
    body = client_for(customer).get("/api/v1/me/export").json()
    assert {
        "profile",
        "vehicles",
        "bookings",
        "sessions",
        "notifications",
        "booking_events",
    } <= set(body)
    assert body["vehicles"][0]["plate"] == world.vehicle.plate
    (booking,) = body["bookings"]
    assert (booking["rating"], booking["rating_comment"]) == (4, "Fine")
    assert [n["kind"] for n in body["notifications"]] == ["booking_completed"]
    assert any(s["user_agent"] == "Ph/1" for s in body["sessions"])
    (exported,) = body["booking_events"]
    assert exported["type"] == "booking.completed"
    assert exported["webhook_deliveries"] == [
        {"endpoint": "https://crm.example.com/hooks", "status": "pending"}
    ]
