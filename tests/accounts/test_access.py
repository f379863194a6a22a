"""A user's access (accounts.access): their groups and permissions read in one query per user
object, the permissions the same as Django's ModelBackend reads, and read again once the
object's own groups change."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from accounts import public
from accounts.models import User
from tests.accounts.factories import OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_permissions_and_the_roles_cost_one_query(
    django_assert_num_queries: Any,
) -> None:
    operator = _fresh(OperatorFactory.create())
    # Before: the user's own permissions, their groups' permissions, then "in the operator
    # group?" and "in the technician group?", each a query of its own.
    with django_assert_num_queries(1):
        assert operator.has_perm("bookings.view_booking")
        assert operator.has_perms(["bookings.change_booking", "scheduling.view_site"])
        assert operator.has_module_perms("bookings")
        assert not operator.has_perm("accounts.delete_user")
        assert public.is_operator(operator)
        assert not public.is_technician(operator)
        assert operator.get_all_permissions()


def test_the_roles_first_then_the_permissions_cost_one_query_too(
    django_assert_num_queries: Any,
) -> None:
    technician = _fresh(UserFactory.create(is_staff=True, roles=["technician"]))
    expected = "bookings.view_booking" in _django_permissions(technician)
    with django_assert_num_queries(1):
        assert not public.is_operator(technician)
        assert public.is_technician(technician)
        assert technician.has_perm("bookings.view_booking") is expected


def _django_permissions(user: User) -> set[str]:
    """What ModelBackend reads itself for a fresh object of the user."""
    return ModelBackend().get_all_permissions(_fresh(user))


def test_the_permissions_are_those_django_reads() -> None:
    user = UserFactory.create(is_staff=True, roles=["operator", "technician"])
    Group.objects.create(name="no permissions").user_set.add(user)
    user.user_permissions.add(Permission.objects.get(codename="delete_user"))
    fresh = _fresh(user)
    backend = ModelBackend()
    expected_own = backend.get_user_permissions(_fresh(user))
    expected_groups = backend.get_group_permissions(_fresh(user))
    assert "accounts.delete_user" in expected_own
    assert expected_groups
    assert fresh.get_user_permissions() == expected_own
    assert fresh.get_group_permissions() == expected_groups
    assert fresh.get_all_permissions() == expected_own | expected_groups
    assert fresh.has_perm("accounts.delete_user")
    assert public.is_operator(fresh)
    assert public.is_technician(fresh)


def test_a_superuser_still_has_every_permission_and_an_inactive_user_none() -> None:
    superuser = _fresh(UserFactory.create(is_staff=True, is_superuser=True, roles=["technician"]))
    assert public.is_technician(superuser)  # the groups read first
    assert superuser.get_all_permissions() == {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    inactive = _fresh(OperatorFactory.create(is_active=False))
    assert not inactive.has_perm("bookings.view_booking")
    assert inactive.get_all_permissions() == set()
    assert not public.is_operator(inactive)


def test_a_change_of_the_objects_own_groups_is_read_again() -> None:
    user = _fresh(UserFactory.create(is_staff=True, roles=[]))
    assert not public.is_operator(user)
    assert not user.has_perm("bookings.view_booking")
    user.groups.add(Group.objects.get(name="operator"))
    assert public.is_operator(user)
    assert user.has_perm("bookings.view_booking")
    user.groups.clear()
    assert not public.is_operator(user)
    assert not user.has_perm("bookings.view_booking")


def test_an_unsaved_user_has_no_role_and_asks_nothing(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert not public.is_technician(User(email="new@example.com"))
        assert not public.is_operator(User(email="new@example.com", is_staff=True))
