"""The booking read model (bookings.readmodel): a row read with the listing's annotations becomes
a frozen BookingView; a row read without them fails loudly instead of querying per row."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import models

from accounts.models import User
from bookings import readmodel
from bookings.models import Booking


def _annotated_row(**own: object) -> Booking:
    """A booking row as bookings.selectors reads it: LISTED's values and its customer."""
    row = Booking(
        pk=1,
        reference="BK-1",
        state="pending",
        vehicle_plate="AB123CD",
        vehicle_category="car",
        service_name="Oil change",
        start=datetime(2027, 3, 1, 8, tzinfo=UTC),
        end=datetime(2027, 3, 1, 9, tzinfo=UTC),
        pending_since=datetime(2027, 2, 1, 8, tzinfo=UTC),
        created_at=datetime(2027, 2, 1, 8, tzinfo=UTC),
        total=Decimal("80.00"),
        currency="EUR",
        price_snapshot={"total": "80.00"},
        **own,
    )
    row.customer = User(email="ann@example.com", first_name="Ann", last_name="Lee")
    return row


def test_a_row_read_without_the_annotations_fails_loudly_instead_of_querying() -> None:
    with pytest.raises(readmodel.MissingReadModel, match="site_public_id"):
        readmodel.view_of(Booking(pk=1))
    with pytest.raises(readmodel.MissingReadModel, match="site_timezone"):
        readmodel.site_timezone_of(Booking(pk=1))


def test_a_row_read_without_its_customer_fails_loudly_instead_of_querying() -> None:
    row = Booking(pk=1, customer_id=7)
    vars(row).update(dict.fromkeys(readmodel.LISTED, "x") | {"site_timezone": "UTC"})
    with pytest.raises(readmodel.MissingReadModel, match="customer"):
        readmodel.view_of(row)


def test_the_view_of_an_annotated_row_is_frozen_plain_values_on_the_sites_clock() -> None:
    site, resource, vehicle = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    row = _annotated_row()
    vars(row).update(
        site_public_id=site,
        site_name="Lyon",
        site_timezone="Europe/Paris",
        resource_public_id=resource,
        resource_name="Bay 1",
        vehicle_public_id=vehicle,
        service_code="oil",
        confirmation_window_minutes=120,
    )
    view = readmodel.view_of(row)
    assert view.site == readmodel.SiteRef(site, "Lyon", "Europe/Paris")
    assert view.resource == readmodel.ResourceRef(resource, "Bay 1")
    assert view.vehicle == readmodel.VehicleRef(vehicle, "AB123CD", "car")
    assert view.service == readmodel.ServiceRef("oil", "Oil change")
    assert view.customer.name == "Ann Lee"
    assert view.customer.email == "ann@example.com"
    assert view.confirmation_window_minutes == 120
    assert view.start.isoformat() == "2027-03-01T09:00:00+01:00"  # Lyon's clock
    assert view.timing.start == row.start
    assert view.reader is None
    assert not any(isinstance(value, models.Model) for value in vars(view).values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.reference = "other"  # type: ignore[misc]


def test_the_selectors_read_the_read_model_with_the_rows() -> None:
    from bookings import selectors

    assert set(readmodel.LISTED) <= set(selectors._listing().query.annotations)
    assert set(readmodel.BACK_OFFICE) <= set(selectors.bookings_for_back_office().query.annotations)


def test_attach_listed_gives_a_row_every_value_listed_reads() -> None:
    """What booking_create attaches instead of reading its row back is every LISTED name (the
    check was a per-request assert before, gone under `python -O`)."""
    booking = Booking()
    readmodel.attach_listed(
        booking,
        site=readmodel.SiteRef(id=uuid.uuid4(), name="Paris", timezone="Europe/Paris"),
        resource=readmodel.ResourceRef(id=uuid.uuid4(), name="Bay 1"),
        vehicle_id=uuid.uuid4(),
        service_code="full-wash",
        confirmation_window_minutes=120,
    )
    assert set(readmodel.LISTED) <= set(vars(booking))
    assert (vars(booking)["site_name"], vars(booking)["resource_name"]) == ("Paris", "Bay 1")
    assert vars(booking)["service_code"] == "full-wash"
    assert vars(booking)["confirmation_window_minutes"] == 120
