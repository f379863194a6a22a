"""The back-office vehicle list: operators read it, searches find plates however typed, and a
page costs the same number of queries whatever its size."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import OperatorFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.admin import VehicleAdmin

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/vehicles/vehicle/"


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(OperatorFactory.create())
    return client


def _rows(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    assert response.status_code == 200
    return [str(v.plate) for v in response.context["cl"].result_list]


def test_operators_can_read_vehicles_but_not_change_them(operator_client: Client) -> None:
    vehicle = VehicleFactory.create(plate="AB123CD")
    response = operator_client.get(CHANGELIST)
    assert "AB-123-CD" in response.content.decode()
    detail = operator_client.get(f"{CHANGELIST}{vehicle.pk}/change/")
    assert detail.status_code == 200
    assert operator_client.get(f"{CHANGELIST}add/").status_code == 403
    deleted = operator_client.post(f"{CHANGELIST}{vehicle.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    vehicle.refresh_from_db()


def test_even_a_superuser_cannot_write_around_the_rules(admin_client: Client) -> None:
    vehicle = VehicleFactory.create(colour="Blue")
    admin_client.post(f"{CHANGELIST}{vehicle.pk}/change/", {"colour": "Red"})
    vehicle.refresh_from_db()
    assert vehicle.colour == "Blue"
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_a_customer_has_no_back_office() -> None:
    client = Client()
    client.force_login(UserFactory.create())
    assert client.get(CHANGELIST).status_code == 302


@pytest.mark.parametrize("typed", ["AB123CD", "ab-123-cd", "AB 123", "123-c"])
def test_search_by_plate_however_it_is_typed(operator_client: Client, typed: str) -> None:
    VehicleFactory.create(plate="AB123CD")
    VehicleFactory.create(plate="XY456ZT")
    assert _rows(operator_client.get(CHANGELIST, {"q": typed})) == ["AB123CD"]


def test_search_by_owner_email(operator_client: Client) -> None:
    VehicleFactory.create(plate="AB123CD", owner=UserFactory.create(email="marie@example.com"))
    VehicleFactory.create(plate="XY456ZT", owner=UserFactory.create(email="paul@example.com"))
    assert _rows(operator_client.get(CHANGELIST, {"q": "marie@"})) == ["AB123CD"]


def test_filters_by_category_energy_and_archived(operator_client: Client) -> None:
    from tests.vehicles.conftest import NOW

    VehicleFactory.create(plate="AA111AA", category="van", energy="diesel")
    VehicleFactory.create(plate="BB222BB", category="van", energy="electric")
    VehicleFactory.create(plate="CC333CC", is_archived=True, archived_at=NOW, is_default=False)
    assert _rows(operator_client.get(CHANGELIST, {"category": "van", "energy": "electric"})) == [
        "BB222BB"
    ]
    assert _rows(operator_client.get(CHANGELIST, {"is_archived__exact": "1"})) == ["CC333CC"]


def test_the_changelist_query_count_does_not_depend_on_the_page_size(
    operator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(30):
        VehicleFactory.create()
    counts = []
    for size in (5, 30):
        monkeypatch.setattr(VehicleAdmin, "list_per_page", size)
        with CaptureQueriesContext(connection) as queries:
            response = operator_client.get(CHANGELIST)
        assert len(response.context["cl"].result_list) == size
        counts.append(len(queries))
    assert counts == [counts[0], counts[0]]
    # session, user, the operator's access (permissions and roles, one query), count, total
    # count, the page (owners joined); the filters' choices are constants.
    assert counts[0] == 6
