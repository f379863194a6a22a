"""Who does what with bookings in the back-office (docs/rules/bookings.md, "Back-office
permissions"): operators see and work every booking but never add or delete one; a technician
(staff) sees only the jobs of their resources and may start and complete them, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from bookings.models import Booking, BookingEvent
from tests.accounts.factories import UserFactory
from tests.bookings.admin.conftest import CHANGELIST, change_url, fresh, raw_booking
from tests.bookings.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def technician(world: World) -> Any:
    user = UserFactory.create(is_staff=True, roles=["technician"])
    bay = world.resources[0]
    bay.technician = user
    bay.save()
    return user


@pytest.fixture
def technician_client(technician: Any) -> Client:
    client = Client()
    client.force_login(technician)
    return client


def _soon(minutes: int = 10) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.fixture
def jobs(world: World, technician: Any) -> tuple[Booking, Booking]:
    """The technician's job (Bay 1) and a colleague's (Bay 2), both confirmed, starting soon."""
    own = raw_booking(world, _soon(), resource=world.resources[0], state="confirmed")
    _other_customer, vehicle = world.new_customer()
    other = raw_booking(
        world, _soon(), resource=world.resources[1], vehicle=vehicle, state="confirmed"
    )
    return own, other


def test_operators_see_and_work_bookings_but_never_add_or_delete(
    world: World, operator_client: Client
) -> None:
    booking = raw_booking(world, _soon(60 * 24), state="pending")
    listing = operator_client.get(CHANGELIST)
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "confirm_selected" in content
    assert "cancel_selected" in content
    assert "delete_selected" not in content
    assert operator_client.get(f"{CHANGELIST}add/").status_code == 403
    assert operator_client.get(f"{change_url(booking)[:-7]}delete/").status_code == 403
    assert (
        operator_client.post(f"{change_url(booking)[:-7]}delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Booking.objects.filter(pk=booking.pk).exists()
    page = operator_client.get(change_url(booking)).content.decode()
    assert 'data-transition="confirm"' in page
    assert 'data-transition="cancel"' in page


def test_a_technician_lists_and_opens_only_their_own_jobs(
    technician_client: Client, jobs: tuple[Booking, Booking]
) -> None:
    own, other = jobs
    listing = technician_client.get(CHANGELIST)
    assert listing.status_code == 200
    assert [b.pk for b in listing.context["cl"].result_list] == [own.pk]
    assert technician_client.get(change_url(own)).status_code == 200
    refused = technician_client.get(change_url(other))
    assert refused.status_code == 302  # the admin's "does not exist": nothing of it shown
    assert other.reference not in technician_client.get(refused["Location"]).content.decode()
    assert technician_client.get(CHANGELIST, {"q": other.reference}).context["cl"].result_count == 0


def test_a_technician_starts_and_completes_their_own_job(
    technician_client: Client, jobs: tuple[Booking, Booking], technician: Any
) -> None:
    own, _other = jobs
    page = technician_client.get(change_url(own)).content.decode()
    assert 'data-transition="start"' in page
    for refused in ("confirm", "cancel", "no_show"):
        assert f'data-transition="{refused}"' not in page
    assert 'type="submit" value="Save"' not in page  # the booking itself is read-only to them
    started = technician_client.post(f"{change_url(own)[:-7]}transition/start/")
    assert started.status_code == 302
    assert fresh(own).state == "in_progress"
    page = technician_client.get(change_url(own)).content.decode()
    assert 'data-transition="complete"' in page
    technician_client.post(f"{change_url(own)[:-7]}transition/complete/")
    assert fresh(own).state == "completed"
    event = BookingEvent.objects.filter(booking=own).order_by("-at", "-pk").first()
    assert event is not None
    assert (event.action, event.actor_id, event.actor_role) == (
        "complete",
        technician.pk,
        "technician",
    )


@pytest.mark.parametrize("action", ["confirm", "no_show"])
def test_a_technician_may_do_nothing_else_on_their_job(
    technician_client: Client, world: World, technician: Any, action: str
) -> None:
    state = "pending" if action == "confirm" else "confirmed"
    own = raw_booking(world, _soon(-30), resource=world.resources[0], state=state)
    assert technician_client.post(f"{change_url(own)[:-7]}transition/{action}/").status_code == 403
    assert technician_client.get(f"{change_url(own)[:-7]}cancel/").status_code == 403
    assert fresh(own).state == state


def test_a_technician_cannot_touch_a_colleagues_job(
    technician_client: Client, jobs: tuple[Booking, Booking]
) -> None:
    _own, other = jobs
    assert technician_client.post(f"{change_url(other)[:-7]}transition/start/").status_code == 404
    assert technician_client.get(f"{change_url(other)[:-7]}cancel/").status_code == 404
    assert fresh(other).state == "confirmed"


def test_a_technician_has_no_bulk_actions(
    technician_client: Client, jobs: tuple[Booking, Booking], world: World
) -> None:
    own, other = jobs
    pending = raw_booking(world, _soon(60 * 24), resource=world.resources[0], state="pending")
    listing = technician_client.get(CHANGELIST).content.decode()
    assert 'name="action"' not in listing
    for action in ("confirm_selected", "cancel_selected", "delete_selected"):
        technician_client.post(
            CHANGELIST,
            {
                "action": action,
                "_selected_action": [own.pk, other.pk, pending.pk],
                "apply": "1",
                "reason": "no",
                "post": "yes",
            },
        )
    assert [fresh(b).state for b in (own, other, pending)] == ["confirmed", "confirmed", "pending"]


def test_a_technician_without_staff_status_has_no_back_office(
    technician: Any, jobs: tuple[Booking, Booking]
) -> None:
    technician.is_staff = False
    technician.save()
    client = Client()
    client.force_login(technician)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_operator_who_is_also_a_technician_sees_every_booking(
    world: World, technician: Any, jobs: tuple[Booking, Booking]
) -> None:
    technician.groups.add(*world.operator.groups.all())
    client = Client()
    client.force_login(technician)
    assert client.get(CHANGELIST).context["cl"].result_count == 2
