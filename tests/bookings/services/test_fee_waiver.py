"""An operator waives or reduces a cancellation or no-show fee, with a reason, through the use
case the back-office calls: on the history (fee before and after), in the outbox, in the export
and in the reports; nobody else may, and nothing without a fee."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bookings import selectors, services
from bookings.models import Booking, BookingEvent
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import OutboxEvent
from tests.bookings.factories import World, at, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(resources=1)


def no_show(world: World) -> Booking:
    booking = world.book(10, now=at(world.day, 8) - timedelta(days=2))
    services.booking_confirm(
        booking_id=booking.pk, actor=world.operator, now=booking.start - timedelta(days=1)
    )
    return services.booking_no_show(
        booking_id=booking.pk, actor=world.operator, now=booking.start + timedelta(minutes=20)
    )


def test_an_operator_waives_a_no_show_fee_with_a_reason(world: World) -> None:
    booking = no_show(world)
    assert booking.fee == Decimal("50.00")
    waived = services.booking_fee_waive(
        booking_id=booking.pk, actor=world.operator, reason="Flat tyre on the way"
    )
    assert waived.fee == Decimal("0.00")
    assert waived.state == "no_show"  # a decision about money, not a state change
    row = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (row.action, row.from_state, row.to_state) == ("fee_waived", "no_show", "no_show")
    assert row.reason == "Flat tyre on the way"
    assert row.details == {"fee_before": "50.00", "fee": "0.00"}
    assert row.actor_role == "operator"
    event = OutboxEvent.objects.filter(type="booking.fee_changed").get()
    assert event.payload["fee_before"] == "50.00"
    assert event.payload["booking"]["fee"] == "0.00"


def test_a_fee_can_be_reduced_and_the_export_shows_before_and_why(world: World) -> None:
    booking = no_show(world)
    services.booking_fee_waive(
        booking_id=booking.pk, actor=world.operator, fee=Decimal("20"), reason="Regular customer"
    )
    services.booking_fee_waive(
        booking_id=booking.pk, actor=world.operator, fee=Decimal("10"), reason="Manager's call"
    )
    day = booking.start.date()
    (row,) = selectors.bookings_for_export(
        first=day - timedelta(days=1), last=day + timedelta(days=1)
    )
    assert row["fee"] == "10.00"
    assert row["fee_before_waiver"] == "50.00"  # what was first charged
    assert row["fee_waiver_reason"] == "Manager's call"  # the latest decision
    (report_row,) = selectors.report_rows(first=day - timedelta(days=1), last=day)
    assert report_row.fee_waived


@pytest.mark.parametrize("fee", [Decimal("50.00"), Decimal("60"), Decimal("-1")])
def test_the_new_fee_must_lower_it(world: World, fee: Decimal) -> None:
    booking = no_show(world)
    with pytest.raises(ValidationFailed) as refused:
        services.booking_fee_waive(booking_id=booking.pk, actor=world.operator, fee=fee, reason="x")
    assert "fee" in refused.value.details
    assert Booking.objects.get(pk=booking.pk).fee == Decimal("50.00")


def test_a_reason_is_required_and_only_operators_may(world: World) -> None:
    booking = no_show(world)
    with pytest.raises(ValidationFailed) as missing:
        services.booking_fee_waive(booking_id=booking.pk, actor=world.operator, reason="  ")
    assert "reason" in missing.value.details
    with pytest.raises(PermissionDenied):
        services.booking_fee_waive(booking_id=booking.pk, actor=booking.customer, reason="please")


def test_no_fee_nothing_to_waive(world: World) -> None:
    booking = world.book(10, now=at(world.day, 8) - timedelta(days=2))
    with pytest.raises(Conflict) as pending:
        services.booking_fee_waive(booking_id=booking.pk, actor=world.operator, reason="x")
    assert pending.value.code == "no_fee_to_waive"
    cancelled = services.booking_cancel(
        booking_id=booking.pk,
        actor=world.operator,
        reason="Closed",
        now=booking.start - timedelta(days=1),
    )
    assert not cancelled.fee
    with pytest.raises(Conflict):
        services.booking_fee_waive(booking_id=booking.pk, actor=world.operator, reason="x")


def test_the_back_office_form_calls_the_use_case(world: World) -> None:
    from django.test import Client

    booking = no_show(world)
    client = Client()
    client.force_login(world.operator)
    page = client.get(f"/admin/bookings/booking/{booking.pk}/change/").content.decode()
    url = f"/admin/bookings/booking/{booking.pk}/waive-fee/"
    assert url in page
    assert client.get(url).status_code == 200
    refused = client.post(url, {"fee": "5", "reason": ""})
    assert refused.status_code == 200  # the form again: a reason is required
    response = client.post(url, {"fee": "5", "reason": "Goodwill"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).fee == Decimal("5.00")
    history = client.get(f"/admin/bookings/booking/{booking.pk}/change/").content.decode()
    assert "Goodwill" in history
    customer = Client()
    customer.force_login(booking.customer)
    assert customer.get(url).status_code in {302, 403}
