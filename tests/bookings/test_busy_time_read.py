"""The busy-time read that availability takes (issue 16): epoch seconds straight to the engine,
the same answer as the datetime port, on the partial index of active bookings."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection

from bookings import selectors
from tests.bookings.factories import BookingFactory, at, make_world

pytestmark = pytest.mark.django_db


def test_busy_seconds_are_the_busy_intervals_floored_and_ceiled() -> None:
    world = make_world(resources=2)
    bay_a, bay_b = world.resources
    start = at(world.day, 9) + timedelta(seconds=0.25)  # a fraction: floored at the start
    BookingFactory.create(
        vehicle=world.vehicle,
        service=world.service,
        site=world.site,
        resource=bay_a,
        start=start,
        end=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1, minutes=10, microseconds=1),  # ceiled
        state="pending",
    )
    BookingFactory.create(
        vehicle=world.new_customer()[1],
        service=world.service,
        site=world.site,
        resource=bay_b,
        start=at(world.day, 11),
        state="confirmed",
    )
    BookingFactory.create(  # cancelled: not busy
        vehicle=world.new_customer()[1],
        service=world.service,
        site=world.site,
        resource=bay_b,
        start=at(world.day, 14),
        state="cancelled",
    )
    window = (at(world.day, 0), at(world.day, 23))
    pks = [bay_a.pk, bay_b.pk]
    intervals = selectors.busy_intervals(pks, *window)
    seconds = selectors.busy_seconds(pks, *window)
    assert sorted(seconds) == sorted(
        (pk, math.floor(s.timestamp()), math.ceil(e.timestamp())) for pk, s, e in intervals
    )
    assert sorted(seconds) == [
        (bay_a.pk, math.floor(start.timestamp()), math.floor(start.timestamp()) + 4201),
        (bay_b.pk, int(at(world.day, 11).timestamp()), int(at(world.day, 12).timestamp())),
    ]
    assert all(type(value) is int for row in seconds for value in row)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_sqlite_reads_busy_time_on_the_partial_index_without_sorting() -> None:
    # With the states bound as parameters SQLite could not use the partial index: it read every
    # booking of the resources (outside the window too) and sorted them by the model's ordering.
    world = make_world(resources=2)
    queryset = selectors._active_blocking(
        [r.pk for r in world.resources], at(world.day, 0), at(world.day, 23)
    )
    plan = queryset.values_list("resource_id", "start", "blocked_until").explain()
    assert "bookings_active_resource_idx" in plan
    assert "ORDER BY" not in plan
