"""The booking read model (bookings.readmodel): a row read with the listing's annotations becomes
a frozen BookingView; a row read without them fails loudly instead of querying per row."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from bookings import readmodel
from bookings.models import Booking


def test_a_row_read_without_the_annotations_fails_loudly_instead_of_querying() -> None:
    with pytest.raises(readmodel.MissingReadModel, match="site_public_id"):
        readmodel.view_of(Booking(pk=1))
    with pytest.raises(readmodel.MissingReadModel, match="site_timezone"):
        readmodel.site_timezone_of(Booking(pk=1))


def test_the_view_of_an_annotated_row_is_frozen() -> None:
    site, resource, vehicle = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    row = Booking(pk=1)
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
    assert (view.vehicle_id, view.service_code, view.confirmation_window_minutes) == (
        vehicle,
        "oil",
        120,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.service_code = "other"  # type: ignore[misc]


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
    view = readmodel.view_of(booking)  # raises MissingReadModel if one is missing
    assert (view.site.name, view.resource.name) == ("Paris", "Bay 1")
    assert (view.service_code, view.confirmation_window_minutes) == ("full-wash", 120)
