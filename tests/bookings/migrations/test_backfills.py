"""Existing bookings get the new fields from what their history says happened to them:
pending_since (0004) from their creation or the latest customer reschedule that sent them back
to pending; calendar_sequence (0008) from their revisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("bookings", "0003_role_permissions")]
AFTER = [("bookings", "0005_booking_pending_since_required")]
MADE = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def migrator() -> Any:
    """Migrations run back and forth; the schema is left at the latest state for other tests."""
    yield _migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _event(apps: Any, booking: Any, action: str, from_state: str, to_state: str, at: Any) -> None:
    apps.get_model("bookings", "BookingEvent").objects.create(
        booking=booking,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_role="operator",
        at=at,
    )


def _booking(apps: Any, reference: str, state: str) -> Any:
    from tests.bookings.factories import make_world

    world = make_world()
    booking_model = apps.get_model("bookings", "Booking")
    start = MADE + timedelta(days=3)
    since = {"pending_since": MADE} if hasattr(booking_model, "pending_since") else {}
    return booking_model.objects.create(
        **since,
        reference=reference,
        customer_id=world.customer.pk,
        vehicle_id=world.vehicle.pk,
        vehicle_plate=world.vehicle.plate,
        vehicle_category="small",
        service_id=world.service.pk,
        service_name="Full wash",
        site_id=world.site.pk,
        resource_id=world.resources[0].pk,
        start=start,
        end=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
        state=state,
        total="50.00",
        currency="EUR",
        price_snapshot={},
        created_at=MADE,
    )


def test_pending_since_is_backfilled_from_creation_or_the_reschedule_back_to_pending(
    migrator: Any,
) -> None:
    apps = migrator(BEFORE)
    event_model = apps.get_model("bookings", "BookingEvent")
    plain = _booking(apps, "BK-PLAIN", "pending")
    sent_back = _booking(apps, "BK-BACK", "pending")
    for at, from_state, to_state in [
        (MADE + timedelta(hours=1), "pending", "pending"),
        (MADE + timedelta(hours=2), "confirmed", "pending"),
        (MADE + timedelta(hours=5), "confirmed", "pending"),
        (MADE + timedelta(hours=6), "pending", "pending"),
    ]:
        event_model.objects.create(
            booking=sent_back,
            action="reschedule",
            from_state=from_state,
            to_state=to_state,
            actor_role="customer",
            at=at,
        )
    apps = migrator(AFTER)
    booking_model = apps.get_model("bookings", "Booking")
    since = dict(booking_model.objects.values_list("reference", "pending_since"))
    assert since == {plain.reference: MADE, sent_back.reference: MADE + timedelta(hours=5)}


def test_the_calendar_sequence_starts_from_the_revisions_in_the_history(migrator: Any) -> None:
    apps = migrator([("bookings", "0007_held_resource_index")])
    untouched = _booking(apps, "BK-UNTOUCHED", "pending")
    revised = _booking(apps, "BK-REVISED", "cancelled")
    for action, from_state, to_state in [
        ("create", "", "pending"),
        ("confirm", "pending", "confirmed"),
        ("reschedule", "confirmed", "confirmed"),
        ("cancel", "confirmed", "cancelled"),
    ]:
        _event(apps, revised, action, from_state, to_state, MADE)
    _event(apps, untouched, "create", "", "pending", MADE)
    apps = migrator([("bookings", "0008_booking_calendar_sequence")])
    sequences = dict(
        apps.get_model("bookings", "Booking").objects.values_list("reference", "calendar_sequence")
    )
    assert sequences == {untouched.reference: 0, revised.reference: 3}
