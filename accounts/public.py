"""What other apps may use of accounts: role checks and the personal-data export hook."""

from __future__ import annotations

from typing import Any

from accounts import selectors
from accounts.domain.rules import CUSTOMER, OPERATOR, ROLES, TECHNICIAN
from accounts.signals import personal_data_requested

__all__ = [
    "CUSTOMER",
    "OPERATOR",
    "ROLES",
    "TECHNICIAN",
    "is_operator",
    "is_technician",
    "personal_data_requested",
]


def is_operator(user: Any) -> bool:
    """Staff in the operator group, or a superuser."""
    return selectors.user_is_operator(user)


def is_technician(user: Any) -> bool:
    return selectors.user_is_technician(user)


def ensure_superuser(*, email: str, password: str) -> bool:
    """Creates (or resets) an administrator account; True when it was created."""
    from accounts import services

    return services.user_ensure_superuser(email=email, password=password)[1]


def user_pk_by_public_id(public_id: Any) -> int | None:
    """The internal key of an active user by public id (None when there is none)."""
    return selectors.user_pk_by_public_id(public_id)
