"""accounts.public.ensure_user / acting_user: bootstrap accounts for demo data and commands."""

from __future__ import annotations

import pytest

from accounts import public
from accounts.models import User
from core.errors import NotFound
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_operator_is_created_as_staff_in_the_operator_group_with_a_simple_password() -> None:
    pk, created = public.ensure_user(
        email=" Operator@Example.com ",
        password="operator",  # too short for the validators: bootstrap logins skip them
        role=public.OPERATOR,
        first_name="Claire",
    )
    user = User.objects.get(pk=pk)
    assert created is True
    assert user.email == "operator@example.com"
    assert user.check_password("operator")
    assert user.is_staff
    assert not user.is_superuser
    assert public.is_operator(user)


def test_a_technician_and_a_customer_are_not_staff() -> None:
    tech_pk, _ = public.ensure_user(email="t@example.com", password="t", role=public.TECHNICIAN)
    customer_pk, _ = public.ensure_user(email="c@example.com", password=None, role=public.CUSTOMER)
    technician, customer = User.objects.get(pk=tech_pk), User.objects.get(pk=customer_pk)
    assert public.is_technician(technician)
    assert not technician.is_staff
    assert not public.is_operator(customer)
    assert [g.name for g in customer.groups.all()] == ["customer"]
    assert not customer.has_usable_password()


def test_an_existing_account_is_found_and_left_untouched() -> None:
    existing = UserFactory(email="claire@example.com", first_name="Claire")
    pk, created = public.ensure_user(
        email="CLAIRE@example.com", password="other", role=public.OPERATOR, first_name="X"
    )
    existing.refresh_from_db()
    assert (pk, created) == (existing.pk, False)
    assert existing.check_password(PASSWORD)
    assert existing.first_name == "Claire"
    assert not existing.is_staff


def test_an_unknown_role_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="role"):
        public.ensure_user(email="x@example.com", password=None, role="admin")


def test_acting_user_is_the_account_or_not_found() -> None:
    user = UserFactory()
    assert public.acting_user(user.pk) == user
    with pytest.raises(NotFound):
        public.acting_user(987654)
