"""GET /api/v1/me/export carries a "vehicles" section: all of mine, archived included."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.vehicles.conftest import NOW, AddVehicle
from vehicles import services

pytestmark = pytest.mark.django_db


def test_the_export_lists_my_vehicles_archived_included(
    add_vehicle: AddVehicle, client_for: Callable[[User], APIClient]
) -> None:
    me = UserFactory.create()
    add_vehicle(me, plate="AA111AA", nickname="Daily")
    old = add_vehicle(me, plate="BB222BB")
    services.vehicle_archive(vehicle_id=old.public_id, actor=me, now=NOW)
    add_vehicle(UserFactory.create(), plate="CC333CC")

    response = client_for(me).get("/api/v1/me/export")
    assert response.status_code == 200
    section = response.json()["vehicles"]
    assert [(v["plate"], v["archived"], v["is_default"]) for v in section] == [
        ("AA111AA", False, True),
        ("BB222BB", True, False),
    ]
    assert section[0]["nickname"] == "Daily"
    assert section[0]["plate_display"] == "AA-111-AA"
    assert section[1]["archived_at"] == NOW.isoformat()


def test_a_user_without_vehicles_gets_an_empty_section(
    client_for: Callable[[User], APIClient],
) -> None:
    assert client_for(UserFactory.create()).get("/api/v1/me/export").json()["vehicles"] == []
