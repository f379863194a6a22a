"""The "exactly one default" and "at most 20" rules hold under real concurrency: threads with
their own PostgreSQL connections, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as account_services
from core.errors import Conflict
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from vehicles import services
from vehicles.models import Vehicle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _defaults(owner: Any) -> list[str]:
    return list(
        Vehicle.objects.filter(owner=owner, is_default=True, is_archived=False).values_list(
            "plate", flat=True
        )
    )


def _create(owner: Any, plate: str) -> Callable[[], Any]:
    return lambda: services.vehicle_create(
        actor=owner,
        plate=plate,
        make="Renault",
        model="Clio",
        year=2020,
        category="small",
        energy="petrol",
    )


def test_two_api_requests_setting_different_defaults_leave_exactly_one() -> None:
    owner = UserFactory.create()
    vehicles = [_create(owner, f"AA{n:03d}AA")() for n in range(3)]
    token = account_services._pair_for(owner).access

    def set_default(vehicle: Vehicle) -> Callable[[], int]:
        def request() -> int:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            return client.post(f"/api/v1/vehicles/{vehicle.public_id}/set-default").status_code

        return request

    for _round in range(5):
        statuses = race(set_default(vehicles[1]), set_default(vehicles[2]))
        assert statuses == [200, 200]
        assert len(_defaults(owner)) == 1
        assert _defaults(owner)[0] in {"AA001AA", "AA002AA"}
        services.vehicle_set_default(vehicle_id=vehicles[0].public_id, actor=owner)


def test_many_concurrent_set_defaults_leave_exactly_one() -> None:
    owner = UserFactory.create()
    vehicles = [_create(owner, f"BB{n:03d}BB")() for n in range(8)]
    results = race(
        *[
            (lambda v=v: services.vehicle_set_default(vehicle_id=v.public_id, actor=owner))
            for v in vehicles
        ]
    )
    assert all(isinstance(r, Vehicle) for r in results), results
    assert len(_defaults(owner)) == 1


def test_concurrent_first_vehicles_get_exactly_one_default() -> None:
    owner = UserFactory.create()
    results = race(*[_create(owner, f"CC{n:03d}CC") for n in range(6)])
    assert all(isinstance(r, Vehicle) for r in results), results
    assert Vehicle.objects.filter(owner=owner).count() == 6
    assert len(_defaults(owner)) == 1


def test_the_twenty_vehicle_limit_is_exact_under_concurrency() -> None:
    owner = UserFactory.create()
    for n in range(17):
        _create(owner, f"DD{n:03d}DD")()
    results = race(*[_create(owner, f"EE{n:03d}EE") for n in range(6)])
    created = [r for r in results if isinstance(r, Vehicle)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 3
    assert [r.code for r in refused] == ["vehicle_limit_reached"] * 3
    assert Vehicle.objects.filter(owner=owner, is_archived=False).count() == 20


def test_archiving_the_default_while_others_become_default_leaves_exactly_one() -> None:
    owner = UserFactory.create()
    vehicles = [_create(owner, f"FF{n:03d}FF")() for n in range(5)]
    results = race(
        lambda: services.vehicle_archive(vehicle_id=vehicles[0].public_id, actor=owner),
        lambda: services.vehicle_set_default(vehicle_id=vehicles[1].public_id, actor=owner),
        lambda: services.vehicle_set_default(vehicle_id=vehicles[2].public_id, actor=owner),
        lambda: services.vehicle_archive(vehicle_id=vehicles[3].public_id, actor=owner),
        _create(owner, "GG000GG"),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert Vehicle.objects.filter(owner=owner, is_archived=False).count() == 4
    assert len(_defaults(owner)) == 1


def test_a_write_stuck_behind_a_lock_gives_up_with_a_409(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    owner = UserFactory.create()
    monkeypatch.setattr(services, "LOCK_WAIT_MS", 200)
    locked, release = threading.Event(), threading.Event()

    def hold_the_owner() -> None:
        try:
            with transaction.atomic():
                list(get_user_model().objects.select_for_update().filter(pk=owner.pk))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_owner)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(Conflict) as caught:
            _create(owner, "HH000HH")()
        assert caught.value.code == "vehicles_busy"
    finally:
        release.set()
        holder.join()
    assert not Vehicle.objects.filter(owner=owner).exists()
