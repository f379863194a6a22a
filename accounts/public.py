"""What other apps may use of accounts: role checks, an account as a use case's actor, a user's
key by public id, the personal-data export hook, the password reset (how an account created
for someone, without a password, is claimed), and the booking desk's customers (found, or taken
on by an operator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts import selectors
from accounts.domain.codes import AccountErrorCode
from accounts.domain.rules import (
    CUSTOMER,
    OPERATOR,
    ROLES,
    TECHNICIAN,
    is_deliverable,
    supported_language,
)
from accounts.selectors import (
    CustomerCard,
    customer_card,
    customers_matching,
    is_operator,
    is_technician,
    lock_user_row,
    user_pk_by_public_id,
)
from accounts.services.recovery import password_reset_request
from accounts.services.verification import check_may_book
from accounts.services.walk_in import DeskCustomer, customer_take_on
from accounts.signals import account_erased, personal_data_requested
from core.errors import ErrorCode, NotFound

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "CUSTOMER",
    "OPERATOR",
    "ROLES",
    "TECHNICIAN",
    "AccountErrorCode",
    "CustomerCard",
    "DeskCustomer",
    "account_erased",
    "acting_user",
    "check_may_book",
    "customer_card",
    "customer_take_on",
    "customers_matching",
    "is_deliverable",
    "is_operator",
    "is_technician",
    "lock_user_row",
    "password_reset_request",
    "personal_data_requested",
    "supported_language",
    "user_pk_by_public_id",
]


def acting_user(user_id: int) -> User:
    """The account as the `actor` argument of other apps' use cases (their role checks read its
    groups): for commands and jobs acting on someone's behalf. NotFound when there is none."""
    user = selectors.user_by_pk(user_id)
    if user is None:
        raise NotFound(code=ErrorCode.USER_NOT_FOUND)
    return user
