"""What one POST /api/v1/bookings costs the database, end to end (issue 16): the user's read
(JWT), the Idempotency-Key's claim and completion, and booking_create
(tests/bookings/services/test_query_counts.py); transaction control aside. The answer is built
from what the use case wrote, not read back: it must equal the booking as GET reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.bookings.factories import at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
# booking_create's MAX_QUERIES (10) + the user, the key's claim and its completion.
MAX_POST_QUERIES = 13


@pytest.mark.parametrize("auto_confirm", [False, True])
def test_a_customer_s_post_costs_at_most_16_queries_and_answers_as_get_reads_it(
    auto_confirm: bool, client_for: Callable[[User], APIClient], clock: FakeClock
) -> None:
    world = make_world(resources=4, auto_confirm=auto_confirm)
    clock.set(at(world.day, 8) - timedelta(days=3))
    client = client_for(world.customer)
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
    }
    with CaptureQueriesContext(connection) as captured:
        created = client.post(
            "/api/v1/bookings", body, format="json", HTTP_IDEMPOTENCY_KEY="count-1"
        )
    assert created.status_code == 201, created.content
    work = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]
    assert len(work) <= MAX_POST_QUERIES, "\n".join(work)
    assert created.json()["state"] == ("confirmed" if auto_confirm else "pending")
    read = client.get(f"/api/v1/bookings/{created.json()['id']}")
    assert read.status_code == 200
    assert created.json() == read.json()
