"""Customers an operator takes on at the desk or on the phone (docs/rules/accounts.md, "Customers
made by an operator"): found by their e-mail address when they already have an account, else
created on the spot, with or without an address, and without a usable password. The customer
claims the account later with a password reset (accounts.services.recovery)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.domain.codes import AccountErrorCode
from accounts.domain.rules import CUSTOMER, normalize_email, walk_in_email
from accounts.models import User
from accounts.selectors import is_operator
from core.clock import resolve_now
from core.errors import Conflict, PermissionDenied, ValidationFailed


@dataclass(frozen=True)
class DeskCustomer:
    """The customer a booking is taken for, and whether the desk just created them."""

    pk: int
    id: uuid.UUID
    created: bool


def customer_take_on(
    *,
    actor: User,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
    language: str = "en",
    now: datetime | None = None,
) -> DeskCustomer:
    """An operator's customer for a phone or walk-in booking. With an address that already has an
    open account, that account (its name and phone unchanged: an operator does not rewrite a
    customer's profile from the desk); a closed one, or a staff account, is refused. Otherwise a
    new customer account without a usable password, in the customer group; without an address
    its login is a stand-in that no e-mail is ever sent to (`walk_in_email`). Nothing is e-mailed
    here: the booking's own e-mails tell the customer (when there is an address).
    PermissionDenied for anyone but an operator; ValidationFailed for a missing name or a bad
    phone or address."""
    if not is_operator(actor):
        raise PermissionDenied(_("Only operators may take on a customer."))
    first_name, last_name = first_name.strip(), last_name.strip()
    phone, address = phone.strip(), normalize_email(email or "")
    if not first_name and not last_name:
        raise ValidationFailed(details={"first_name": [_("Give the customer's name.")]})
    public_id = uuid.uuid4()
    user = User(
        public_id=public_id,
        email=address or walk_in_email(public_id.hex),
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        language=language,
        date_joined=resolve_now(now),
    )
    try:  # the address being taken is not an error here: it is the customer we are looking for
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc
    if address:
        existing = _existing(address)
        if existing is not None:
            return existing
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            user.groups.add(Group.objects.get(name=CUSTOMER))
    except IntegrityError:  # the same address was taken meanwhile: that customer, then
        existing = _existing(address) if address else None
        if existing is None:
            raise
        return existing
    return DeskCustomer(pk=user.pk, id=user.public_id, created=True)


def _existing(address: str) -> DeskCustomer | None:
    owner = (
        User.objects.filter(email=address).only("pk", "public_id", "is_active", "is_staff").first()
    )
    if owner is None:
        return None
    if not owner.is_active:
        raise Conflict(
            _("The account with this e-mail address is closed."),
            code=AccountErrorCode.ACCOUNT_CLOSED,
        )
    if owner.is_staff:  # not a customer to book for (the desk's customer_card excludes staff)
        raise Conflict(
            _("This e-mail address belongs to a staff account, not a customer's."),
            code=AccountErrorCode.STAFF_ACCOUNT,
        )
    return DeskCustomer(pk=owner.pk, id=owner.public_id, created=False)
