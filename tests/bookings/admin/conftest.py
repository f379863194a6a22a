from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from bookings.models import Booking
from tests.bookings.factories import BookingFactory, World, make_world

CHANGELIST = "/admin/bookings/booking/"


def change_url(booking: Booking) -> str:
    return f"{CHANGELIST}{booking.pk}/change/"


def raw_booking(world: World, start: datetime, **fields: Any) -> Booking:
    """A row written without the services (for lists and filters)."""
    fields.setdefault("resource", world.resources[0])
    fields.setdefault("site", world.site)
    fields.setdefault("vehicle", world.vehicle)
    return BookingFactory.create(service=world.service, start=start, **fields)


def fresh(booking: Booking) -> Booking:
    """Read again (refresh_from_db cannot reload a protected FSM field)."""
    return Booking.objects.get(pk=booking.pk)


@pytest.fixture
def world(db: None) -> World:
    return make_world(resources=2)


@pytest.fixture
def operator_client(world: World) -> Client:
    client = Client()
    client.force_login(world.operator)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]
