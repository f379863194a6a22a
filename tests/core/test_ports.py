"""Ports fail closed: one nobody provides raises when called, and the system check run at
start-up names it; the apps as installed provide every port they declare."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core.checks import declared_ports
from core.ports import Port, PortNotProvided
from tests.accounts.factories import UserFactory
from vehicles import public as vehicles
from vehicles import services as vehicle_services
from vehicles.models import Vehicle


def test_a_port_nobody_provides_raises_naming_itself_instead_of_answering() -> None:
    port: Port[[int], int] = Port("tests.double", answers="twice a number")
    with pytest.raises(PortNotProvided, match=r"tests\.double \(twice a number\)"):
        port(3)
    assert not port.provided

    port.provide(lambda n: n * 2)

    assert port(3) == 6
    assert port.provided


def test_replacing_a_port_puts_the_previous_implementation_back() -> None:
    port: Port[[int], int] = Port("tests.double", answers="twice a number")
    port.provide(lambda n: n * 2)
    with port.replaced(lambda n: -n):
        assert port(3) == -3
    assert port(3) == 6
    with port.replaced(None), pytest.raises(PortNotProvided):
        port(3)
    assert port(3) == 6


@pytest.mark.django_db
def test_an_unwired_booking_port_refuses_to_delete_a_vehicle_rather_than_guess() -> None:
    owner = UserFactory.create()
    vehicle = vehicle_services.vehicle_create(
        actor=owner,
        plate="AA123AA",
        make="Peugeot",
        model="208",
        year=2021,
        category="small",
        energy="petrol",
    )
    with vehicles.has_any_booking.replaced(None), pytest.raises(PortNotProvided):
        vehicle_services.vehicle_delete(vehicle_id=vehicle.public_id, actor=owner)
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_the_installed_apps_provide_every_port_they_declare() -> None:
    names = {port.name for port in declared_ports()}
    assert names >= {
        "scheduling.busy_intervals",
        "pricing.site_timezone",
        "vehicles.has_active_future_booking",
        "vehicles.has_any_booking",
    }
    call_command("check", stdout=StringIO(), stderr=StringIO())  # no error


def test_the_start_up_check_names_a_port_nobody_provides() -> None:
    with (
        vehicles.has_any_booking.replaced(None),
        pytest.raises(SystemCheckError, match=r"core\.E001.*vehicles\.has_any_booking"),
    ):
        call_command("check", stdout=StringIO(), stderr=StringIO())
