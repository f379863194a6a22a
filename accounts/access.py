"""A user's access, read once per user object (a request's user, a use case's actor): the names
of their groups (the roles: operator, technician, customer) and their permissions, in one query,
kept on the object where Django's ModelBackend keeps the permissions it reads. So a page that asks
`has_perm` and whether the user is an operator pays one query for both, not three (the user's own
permissions, their groups' permissions, then their groups again).

The permissions kept are ModelBackend's, computed the same way (the user's own and their groups',
as "app_label.codename"); a superuser's are left to ModelBackend (every permission), and an
inactive user's count for nothing there, as before. Like Django's own cache, what is read stays on
that object for its life; changing the object's own groups or permissions
(`user.groups.add(...)`) forgets it (`forget`, on `m2m_changed`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, F, IntegerField, Value

_GROUPS = "_accounts_group_names"
# Where django.contrib.auth.backends.ModelBackend keeps what it read (its `_get_permissions` and
# `get_all_permissions`). Should Django rename them, ModelBackend reads its own again: one or two
# more queries, never a wrong answer (tests/accounts/test_access.py counts them).
_USER_PERMS, _GROUP_PERMS, _ALL_PERMS = "_user_perm_cache", "_group_perm_cache", "_perm_cache"
_GROUP_ROW, _OWN_ROW = 0, 1
_COLUMNS = ("a_tag", "a_name", "a_app", "a_code")


def _rows(user_pk: int) -> list[tuple[int, str, str | None, str | None]]:
    """One query (UNION ALL): each group of the user with each of its permissions (a group
    without any once, with none), then the user's own permissions."""
    groups = (
        Group.objects.filter(user=user_pk)
        .annotate(
            a_tag=Value(_GROUP_ROW, output_field=IntegerField()),
            a_name=F("name"),
            a_app=F("permissions__content_type__app_label"),
            a_code=F("permissions__codename"),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    own = (
        Permission.objects.filter(user=user_pk)
        .annotate(
            a_tag=Value(_OWN_ROW, output_field=IntegerField()),
            a_name=Value("", output_field=CharField()),
            a_app=F("content_type__app_label"),
            a_code=F("codename"),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    return list(groups.union(own, all=True))


def read(user: Any) -> None:
    """Reads the user's groups and permissions (one query) unless this object has them."""
    if getattr(user, _GROUPS, None) is not None or user.pk is None:  # unsaved: no groups yet
        return
    names: set[str] = set()
    own: set[str] = set()
    from_groups: set[str] = set()
    for tag, name, app_label, codename in _rows(user.pk):
        if tag == _GROUP_ROW:
            names.add(name)
            if codename is not None:
                from_groups.add(f"{app_label}.{codename}")
        else:
            own.add(f"{app_label}.{codename}")
    setattr(user, _GROUPS, frozenset(names))
    if not user.is_superuser:  # a superuser has every permission: ModelBackend reads them
        setattr(user, _USER_PERMS, own)
        setattr(user, _GROUP_PERMS, from_groups)
        setattr(user, _ALL_PERMS, own | from_groups)


def group_names(user: Any) -> frozenset[str]:
    """The names of the user's groups (their roles), read with their permissions once."""
    read(user)
    names: frozenset[str] = getattr(user, _GROUPS, frozenset())
    return names


def forget(user: Any) -> None:
    """Drops what was read (the object's groups or permissions changed)."""
    for name in (_GROUPS, _USER_PERMS, _GROUP_PERMS, _ALL_PERMS):
        if hasattr(user, name):
            delattr(user, name)


def forget_on_change(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """`m2m_changed` of a user's groups or permissions: that user object reads them again."""
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        forget(instance)
