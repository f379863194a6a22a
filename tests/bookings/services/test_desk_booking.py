"""Phone and walk-in bookings through the use cases the booking desk calls (issue 17, item 1):
the operator's override of the minimum notice (recorded on the history, refused without the flag
or to a customer), "confirm now" through the confirm transition, the customer taken on at the
desk with or without an e-mail address, and the operator's choice of resource."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts import public as accounts
from accounts.models import User
from bookings import services
from bookings.models import Booking, BookingEvent
from core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from core.models import OutboxEvent
from tests.bookings.factories import World, at, make_world
from vehicles import public as vehicles

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=2, min_notice_minutes=120)


def _request(world: World, hour: int, minute: int = 0, vehicle: Any = None) -> Any:
    return services.BookingRequest(
        vehicle_id=vehicle.id if vehicle is not None else world.vehicle.public_id,
        service_code=world.service.code,
        site_id=world.site.public_id,
        start=at(world.day, hour, minute),
    )


def _walk_in(world: World, hour: int = 10, **kwargs: Any) -> Booking:
    """The operator books for the world's customer at `hour`, an hour after `now` (09:00)."""
    return services.booking_create(
        actor=world.operator,
        request=_request(world, hour),
        customer_id=world.customer.pk,
        now=at(world.day, 9),
        **kwargs,
    )


def test_without_the_override_a_start_inside_the_notice_is_refused_too_soon(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        _walk_in(world)
    assert refused.value.code == "too_soon"
    assert not Booking.objects.exists()


def test_the_operators_override_books_inside_the_notice_and_is_on_the_history(
    world: World,
) -> None:
    booking = _walk_in(world, override_notice=True, override_reason="Customer at the counter")
    assert booking.state == "pending"  # the site's rule: no auto-confirm
    row = BookingEvent.objects.get(booking=booking, action="create")
    assert row.details == {"notice_override": True, "min_notice_minutes": 120}
    assert row.reason == "Customer at the counter"
    assert (row.actor, row.actor_role) == (world.operator, "operator")


def test_an_override_not_needed_is_not_recorded(world: World) -> None:
    booking = _walk_in(world, hour=14, override_notice=True, override_reason="Just in case")
    row = BookingEvent.objects.get(booking=booking, action="create")
    assert (row.details, row.reason) == ({}, "")


def test_the_override_needs_a_reason(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _walk_in(world, override_notice=True, override_reason="  ")
    assert "override_reason" in refused.value.details
    assert not Booking.objects.exists()


def test_a_customer_may_not_override_the_notice(world: World) -> None:
    with pytest.raises(PermissionDenied) as refused:
        services.booking_create(
            actor=world.customer,
            request=_request(world, 10),
            override_notice=True,
            override_reason="I am in a hurry",
            now=at(world.day, 9),
        )
    assert refused.value.code == "notice_override_not_allowed"
    assert not Booking.objects.exists()


def test_the_override_still_refuses_a_start_in_the_past(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        services.booking_create(
            actor=world.operator,
            request=_request(world, 8, 30),
            customer_id=world.customer.pk,
            override_notice=True,
            override_reason="Walk-in",
            now=at(world.day, 9),
        )
    assert refused.value.code == "too_soon"


def test_confirm_now_goes_through_the_confirm_transition(world: World) -> None:
    booking = _walk_in(world, hour=14, confirm_now=True)
    assert booking.state == "confirmed"
    assert Booking.objects.get(pk=booking.pk).confirmed_at == at(world.day, 9)
    rows = list(BookingEvent.objects.filter(booking=booking).values_list("action", "to_state"))
    assert rows == [("create", "pending"), ("confirm", "confirmed")]
    confirm = BookingEvent.objects.get(booking=booking, action="confirm")
    assert (confirm.actor, confirm.actor_role) == (world.operator, "operator")
    types = set(OutboxEvent.objects.values_list("type", flat=True))
    assert {"booking.created", "booking.confirmed"} <= types


def test_without_confirm_now_the_sites_rule_decides(world: World) -> None:
    assert _walk_in(world, hour=14).state == "pending"
    auto = make_world(auto_confirm=True)
    booking = services.booking_create(
        actor=auto.operator,
        request=_request(auto, 14),
        customer_id=auto.customer.pk,
        now=at(auto.day, 9),
    )
    assert booking.state == "confirmed"
    confirm = BookingEvent.objects.get(booking=booking, action="confirm")
    assert confirm.actor_role == "system"


def test_a_customer_may_not_confirm_their_own_booking_at_once(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.booking_create(actor=world.customer, request=_request(world, 14), confirm_now=True)
    assert not Booking.objects.exists()


def test_the_operator_books_the_resource_they_chose(world: World) -> None:
    second = world.resources[1]
    booking = _walk_in(world, hour=14, resource_pk=second.pk)
    assert booking.resource_id == second.pk
    other, vehicle = world.new_customer()
    with pytest.raises(Conflict) as refused:
        services.booking_create(
            actor=world.operator,
            request=_request(world, 14, vehicle=vehicles.vehicle_by_pk(vehicle.pk)),
            customer_id=other.pk,
            resource_pk=second.pk,
            now=at(world.day, 9),
        )
    assert refused.value.code == "taken"  # the other bay is free: said precisely
    assert Booking.objects.count() == 1


def test_a_walk_in_without_an_e_mail_address_is_a_claimable_account(world: World) -> None:
    taken = accounts.customer_take_on(
        actor=world.operator, first_name="Ana", phone="06 12 34 56 78"
    )
    assert taken.created
    user = User.objects.get(pk=taken.pk)
    assert user.email.endswith("@walk-in.invalid")
    assert not user.has_usable_password()
    assert user.groups.filter(name="customer").exists()
    card = accounts.customer_card(user.public_id)
    assert card is not None
    assert card.email == ""
    vehicle = vehicles.vehicle_register(
        actor=world.operator,
        owner_id=user.pk,
        plate="ab-123-cd",
        make="Renault",
        model="Clio",
        year=2019,
        category="small",
        energy="petrol",
    )
    booking = services.booking_create(
        actor=world.operator,
        request=_request(world, 14, vehicle=vehicle),
        customer_id=user.pk,
        now=at(world.day, 9),
    )
    assert booking.customer_id == user.pk
    # No e-mail goes to the stand-in address: the booking's notice has nobody to write to.
    from bookings import selectors

    assert selectors.booking_notice(booking_pk=booking.pk, kind="created") is None


def test_an_existing_e_mail_address_finds_the_existing_customer(world: World) -> None:
    before = User.objects.count()
    taken = accounts.customer_take_on(
        actor=world.operator, first_name="Someone", email=world.customer.email.upper()
    )
    assert (taken.pk, taken.created) == (world.customer.pk, False)
    assert User.objects.count() == before
    world.customer.refresh_from_db()
    assert world.customer.first_name != "Someone"  # the desk does not rewrite a profile


def test_a_new_address_makes_a_customer_without_a_password(world: World) -> None:
    taken = accounts.customer_take_on(
        actor=world.operator, first_name="Léa", last_name="Martin", email=" Lea@Example.com "
    )
    user = User.objects.get(pk=taken.pk)
    assert (taken.created, user.email, user.has_usable_password()) == (
        True,
        "lea@example.com",
        False,
    )


def test_only_operators_take_on_customers_and_register_their_vehicles(world: World) -> None:
    with pytest.raises(PermissionDenied):
        accounts.customer_take_on(actor=world.customer, first_name="Eve")
    with pytest.raises(PermissionDenied):
        vehicles.vehicle_register(
            actor=world.customer,
            owner_id=world.operator.pk,
            plate="ZZ999ZZ",
            make="Fiat",
            model="Panda",
            year=2015,
            category="small",
            energy="petrol",
        )
    with pytest.raises(ValidationFailed):
        accounts.customer_take_on(actor=world.operator, first_name=" ", last_name="")


def test_booking_inside_the_notice_leaves_the_booking_window_unchanged(world: World) -> None:
    """The override waives the notice only: a start beyond the horizon is still refused."""
    with pytest.raises(DomainError) as refused:
        services.booking_create(
            actor=world.operator,
            request=_request(world, 10),
            customer_id=world.customer.pk,
            override_notice=True,
            override_reason="Walk-in",
            now=at(world.day, 9) - timedelta(days=world.site.horizon_days + 1),
        )
    assert refused.value.code == "beyond_horizon"
