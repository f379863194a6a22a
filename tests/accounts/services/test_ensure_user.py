"""accounts.services.user_ensure_in_role (the demo's staff and customers) and
accounts.public.acting_user (commands acting on someone's behalf)."""

from __future__ import annotations

import pytest

from accounts import public, services
from accounts.models import User
from core.errors import NotFound
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_operator_is_created_as_staff_in_the_operator_group_with_a_simple_password() -> None:
    user, created = services.user_ensure_in_role(
        email=" Operator@Example.com ",
        password="operator",  # too short for the validators: bootstrap logins skip them
        role=public.OPERATOR,
        first_name="Claire",
    )
    user = User.objects.get(pk=user.pk)
    assert created is True
    assert user.email == "operator@example.com"
    assert user.check_password("operator")
    assert user.is_staff
    assert not user.is_superuser
    assert public.is_operator(user)


def test_a_technician_and_a_customer_are_not_staff() -> None:
    tech, _ = services.user_ensure_in_role(
        email="t@example.com", password="t", role=public.TECHNICIAN
    )
    made, _ = services.user_ensure_in_role(
        email="c@example.com", password=None, role=public.CUSTOMER
    )
    technician, customer = User.objects.get(pk=tech.pk), User.objects.get(pk=made.pk)
    assert public.is_technician(technician)
    assert not technician.is_staff
    assert not public.is_operator(customer)
    assert [g.name for g in customer.groups.all()] == ["customer"]
    assert not customer.has_usable_password()


def test_an_existing_account_is_found_and_left_untouched() -> None:
    existing = UserFactory.create(email="claire@example.com", first_name="Claire")
    found, created = services.user_ensure_in_role(
        email="CLAIRE@example.com", password="other", role=public.OPERATOR, first_name="X"
    )
    existing.refresh_from_db()
    assert (found.pk, created) == (existing.pk, False)
    assert existing.check_password(PASSWORD)
    assert existing.first_name == "Claire"
    assert not existing.is_staff


def test_an_unknown_role_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="role"):
        services.user_ensure_in_role(email="x@example.com", password=None, role="admin")


def test_acting_user_is_the_account_or_not_found() -> None:
    user = UserFactory.create()
    assert public.acting_user(user.pk) == user
    with pytest.raises(NotFound):
        public.acting_user(987654)
