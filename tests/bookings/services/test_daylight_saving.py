"""Every start offered on a daylight-saving day can be booked through the booking service, as a
client sends it (ISO 8601 with the offset it was shown with); a wall time the site's clock skips,
given with one of the site's offsets, is refused rather than moved."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bookings import services
from bookings.models import Booking
from core.errors import ValidationFailed
from pricing import public as pricing
from scheduling import public as scheduling
from tests.bookings.daylight_saving import AUTUMN, SPRING, STARTS_OFFERED, NightSite, night_site
from tests.bookings.factories import PARIS

pytestmark = pytest.mark.django_db


def _offered(world: NightSite) -> list[str]:
    requirements = pricing.service_requirements(service_code=world.service.code, category="small")
    midnight = datetime.combine(world.day, datetime.min.time(), tzinfo=PARIS)
    found = scheduling.available_starts(
        site_pk=world.site.pk,
        requirements=requirements,
        start=midnight,
        end=midnight + timedelta(days=1),
        now=world.now,
    )
    return [free.start.isoformat() for free in found]


def _book(world: NightSite, start: datetime) -> Booking:
    customer, vehicle = world.customer()
    return services.booking_create(
        actor=customer,
        request=services.BookingRequest(
            vehicle_id=vehicle.public_id,
            service_code=world.service.code,
            site_id=world.site.public_id,
            start=start,
        ),
        now=world.now,
    )


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["march", "october"])
def test_every_offered_start_of_a_night_opening_can_be_booked(day: date) -> None:
    world = night_site(day)
    offered = _offered(world)
    assert len(offered) == STARTS_OFFERED[day]
    booked = [_book(world, datetime.fromisoformat(start)) for start in offered]
    assert [b.start.astimezone(PARIS).isoformat() for b in booked] == offered
    assert len({b.start for b in booked}) == len(offered)  # no two on one instant
    assert _offered(world) == []  # the bay is full


def test_the_repeated_hour_is_offered_twice_and_each_is_its_own_booking() -> None:
    world = night_site(AUTUMN)
    first = _book(world, datetime.fromisoformat("2027-10-31T02:30:00+02:00"))
    second = _book(world, datetime.fromisoformat("2027-10-31T02:30:00+01:00"))
    assert second.start - first.start == timedelta(hours=1)
    assert "2027-10-31T02:30:00+02:00" not in _offered(world)
    assert "2027-10-31T02:30:00+01:00" not in _offered(world)


@pytest.mark.parametrize(
    "start", ["2027-03-28T02:30:00+02:00", "2027-03-28T02:30:00+01:00", "2027-03-28T02:00:00+01:00"]
)
def test_a_skipped_wall_time_given_with_a_site_offset_is_refused_not_moved(start: str) -> None:
    world = night_site(SPRING)
    with pytest.raises(ValidationFailed) as refused:
        _book(world, datetime.fromisoformat(start))
    assert refused.value.code == "nonexistent_local_time"
    assert "start" in refused.value.details
    assert not Booking.objects.exists()


def test_the_same_instant_written_in_utc_is_booked() -> None:
    """00:30Z is 01:30 on the site's clock (before the jump): a UTC client is not refused."""
    world = night_site(SPRING)
    booking = _book(world, datetime.fromisoformat("2027-03-28T00:30:00+00:00"))
    assert booking.start.astimezone(PARIS).isoformat() == "2027-03-28T01:30:00+01:00"


def test_a_reschedule_into_the_repeated_hour_and_not_into_the_skipped_one() -> None:
    autumn = night_site(AUTUMN)
    booking = _book(autumn, datetime.fromisoformat("2027-10-31T01:00:00+02:00"))
    moved = services.booking_reschedule(
        booking_id=booking.pk,
        actor=booking.customer,
        start=datetime.fromisoformat("2027-10-31T02:15:00+01:00"),
        now=autumn.now,
    )
    assert moved.start.astimezone(PARIS).isoformat() == "2027-10-31T02:15:00+01:00"
    spring = night_site(SPRING)
    other = _book(spring, datetime.fromisoformat("2027-03-28T01:00:00+01:00"))
    with pytest.raises(ValidationFailed) as refused:
        services.booking_reschedule(
            booking_id=other.pk,
            actor=other.customer,
            start=datetime.fromisoformat("2027-03-28T02:15:00+02:00"),
            now=spring.now,
        )
    assert refused.value.code == "nonexistent_local_time"


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["march", "october"])
def test_starts_on_the_sites_clock_get_their_true_length(day: date) -> None:
    """The starts as scheduling returns them (on the site's zoneinfo clock, where adding minutes
    would add wall-clock minutes) make bookings of the service's real duration."""
    world = night_site(day)
    requirements = pricing.service_requirements(service_code=world.service.code, category="small")
    midnight = datetime.combine(world.day, datetime.min.time(), tzinfo=PARIS)
    found = scheduling.available_starts(
        site_pk=world.site.pk,
        requirements=requirements,
        start=midnight,
        end=midnight + timedelta(days=1),
        now=world.now,
    )
    booked = [_book(world, free.start) for free in found]
    assert len(booked) == STARTS_OFFERED[day]
    assert {b.end - b.start for b in Booking.objects.all()} == {timedelta(minutes=15)}
