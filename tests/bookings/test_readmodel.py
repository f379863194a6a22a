"""The read model a use case attaches to the row it wrote is the one the selectors annotate."""

from __future__ import annotations

from uuid import uuid4

from bookings.models import Booking
from bookings.readmodel import LISTED, ResourceRef, SiteRef, attach_listed, view_of


def test_attach_listed_gives_a_row_every_value_listed_reads() -> None:
    booking = Booking()
    attach_listed(
        booking,
        site=SiteRef(id=uuid4(), name="Paris", timezone="Europe/Paris"),
        resource=ResourceRef(id=uuid4(), name="Bay 1"),
        vehicle_id=uuid4(),
        service_code="full-wash",
        confirmation_window_minutes=120,
    )
    assert set(LISTED) <= set(vars(booking))
    view = view_of(booking)  # raises MissingReadModel if one is missing
    assert (view.site.name, view.resource.name, view.service_code) == (
        "Paris",
        "Bay 1",
        "full-wash",
    )
    assert view.confirmation_window_minutes == 120
