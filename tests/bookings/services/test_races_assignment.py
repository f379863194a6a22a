"""Crowded starts: many clients at once for one start of a site with several free resources.
Every free resource is booked, each once, and nobody is refused while one is free (a request
that loses its preferred resource takes the next-best free one)."""

from __future__ import annotations

import pytest

from bookings.models import Booking
from tests.bookings.factories import make_world
from tests.bookings.services.test_races import (
    assert_no_overlap_in_the_database,
    create_job,
    race_outcomes,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_clients_for_one_start_of_eight_free_resources_all_get_one() -> None:
    world = make_world(resources=8)
    result = race_outcomes([create_job(world, *world.new_customer()) for _ in range(8)])
    assert result == ["ok"] * 8
    resources = list(Booking.objects.values_list("resource_id", flat=True))
    assert sorted(resources) == sorted(r.pk for r in world.resources)  # distinct, all used
    assert_no_overlap_in_the_database()


def test_twelve_clients_for_eight_free_resources_make_eight_bookings_and_four_409() -> None:
    world = make_world(resources=8)
    result = race_outcomes([create_job(world, *world.new_customer()) for _ in range(12)])
    assert result[:8] == ["ok"] * 8
    assert len(result) == 12
    # Lost races, or read after the winners committed (taken).
    assert set(result[8:]) <= {"slot_unavailable", "taken"}
    assert Booking.objects.values("resource_id").distinct().count() == 8
    assert Booking.objects.count() == 8
    assert_no_overlap_in_the_database()


def test_crowded_starts_one_after_another_never_refuse_while_a_resource_is_free() -> None:
    """Five rounds of 8 clients on 8 resources, each round on another start of the same day: the
    preference (fewest booked minutes that day) moves as bookings land, and still nobody loses."""
    world = make_world(resources=8)
    for hour in (8, 9, 10, 11, 14):
        jobs = [create_job(world, *world.new_customer(), hour=hour) for _ in range(8)]
        assert race_outcomes(jobs) == ["ok"] * 8, hour
    assert Booking.objects.count() == 40
    assert_no_overlap_in_the_database()
