"""Who reaches the back-office and what each role may do there (docs/rules/accounts.md,
"Back-office permissions"): customers never get in; operators look after customers (never staff
accounts, roles or passwords), read vehicles, run the catalogue and the sites; the groups hold
exactly the permissions the rules list."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.accounts.factories import PASSWORD, OperatorFactory, UserFactory
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import SiteFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"

OPERATOR_PERMISSIONS = {
    "accounts.view_user",
    "accounts.change_user",
    "vehicles.view_vehicle",
    "bookings.view_booking",
    "bookings.change_booking",
    "bookings.view_bookingevent",
    "pricing.view_promoredemption",
    # Side effects (docs/rules/events.md): events and e-mails read, "send again", endpoints
    # added and changed, deliveries replayed.
    "core.view_outboxevent",
    "core.view_emailnotification",
    "core.change_emailnotification",
    "core.view_webhookendpoint",
    "core.add_webhookendpoint",
    "core.change_webhookendpoint",
    "core.view_webhookdelivery",
    "core.change_webhookdelivery",
    "core.view_webhookattempt",
    *(
        f"pricing.{action}_{model}"
        for model in ("skill", "service", "categoryoverride", "option", "pricerule", "promocode")
        for action in ("view", "add", "change")
    ),
    *(
        f"scheduling.{action}_{model}"
        for model in (
            "site",
            "openinghours",
            "resource",
            "resourcehours",
            "closure",
            "dateexception",
            "dateexceptioninterval",
        )
        for action in ("view", "add", "change", "delete")
    ),
}
TECHNICIAN_PERMISSIONS = {
    "bookings.view_booking",
    "bookings.view_bookingevent",
    "scheduling.view_site",
    "scheduling.view_resource",
    "scheduling.view_closure",
    "scheduling.view_dateexception",
}


def _permissions(group: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_role_groups_hold_exactly_the_documented_permissions() -> None:
    assert _permissions("operator") == OPERATOR_PERMISSIONS
    assert _permissions("technician") == TECHNICIAN_PERMISSIONS
    assert _permissions("customer") == set()


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(OperatorFactory.create())
    return client


def test_a_customer_cannot_log_into_the_back_office() -> None:
    customer = UserFactory.create(email="marie@example.com")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "marie@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # Even with a session made elsewhere (the API's customers have none, but say they had one).
    client.force_login(customer)
    for url in ("/admin/", "/admin/bookings/booking/", USERS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_operator_logs_in_with_their_email() -> None:
    OperatorFactory.create(email="op@example.com")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "OP@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_operator_edits_a_customer_but_not_their_access(operator_client: Client) -> None:
    customer = UserFactory.create()
    listing = operator_client.get(USERS)
    assert listing.status_code == 200
    assert customer.email in listing.content.decode()
    page = operator_client.get(f"{USERS}{customer.pk}/change/").content.decode()
    assert 'name="first_name"' in page
    for access in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{access}"' not in page
    assert operator_client.get(f"{USERS}add/").status_code == 403
    assert operator_client.get(f"{USERS}{customer.pk}/delete/").status_code == 403
    assert operator_client.get(f"{USERS}{customer.pk}/password/").status_code == 403


def test_an_operator_only_reads_a_staff_account(operator_client: Client) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True, roles=[])
    page = operator_client.get(f"{USERS}{admin.pk}/change/")
    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()  # view only
    changed = operator_client.post(
        f"{USERS}{admin.pk}/change/", {"email": admin.email, "first_name": "Mallory"}
    )
    assert changed.status_code == 403
    assert operator_client.get(f"{USERS}{admin.pk}/password/").status_code == 403
    admin.refresh_from_db()
    assert admin.first_name != "Mallory"


def test_an_administrator_still_grants_roles(admin_client: Client) -> None:
    customer = UserFactory.create()
    page = admin_client.get(f"{USERS}{customer.pk}/change/").content.decode()
    assert 'name="is_staff"' in page
    assert 'name="groups"' in page
    assert admin_client.get(f"{USERS}{customer.pk}/password/").status_code == 200


def test_an_operator_reads_vehicles_only(operator_client: Client) -> None:
    vehicle = VehicleFactory.create()
    page = operator_client.get(f"/admin/vehicles/vehicle/{vehicle.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content
    assert "/delete/" not in content
    assert operator_client.get("/admin/vehicles/vehicle/add/").status_code == 403


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/pricing/service/", ServiceFactory),
        ("/admin/scheduling/site/", SiteFactory),
    ],
)
def test_an_operator_runs_the_catalogue_and_the_sites(
    operator_client: Client, url: str, make: Any
) -> None:
    thing = make()
    assert operator_client.get(url).status_code == 200
    assert operator_client.get(f"{url}add/").status_code == 200
    assert 'name="_save"' in operator_client.get(f"{url}{thing.pk}/change/").content.decode()


def test_an_operator_does_not_delete_catalogue_services(operator_client: Client) -> None:
    service = ServiceFactory.create()
    assert operator_client.get(f"/admin/pricing/service/{service.pk}/delete/").status_code == 403
