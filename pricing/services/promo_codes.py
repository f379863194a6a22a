"""Promo codes as the back-office keeps them: created, changed, deleted. Their redemptions count
is never written here: only redemptions and releases move it (pricing.services.promos)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.validation import full_clean
from pricing.domain.codes import PricingErrorCode
from pricing.domain.vocabulary import PROMO_PERCENT, normalize_promo_code
from pricing.models import PromoCode
from pricing.services.catalogue import apply, check_administrator, check_operator, remove

if TYPE_CHECKING:
    from accounts.models import User


class PromoCodeChanges(TypedDict, total=False):
    code: str
    kind: str
    value: Decimal
    valid_from: datetime | None
    valid_until: datetime | None
    max_redemptions: int | None
    min_order_total: Decimal


def _taken() -> Conflict:
    return Conflict(
        _("A promo code with this code already exists."), code=PricingErrorCode.PROMO_EXISTS
    )


def promo_code_create(
    *,
    code: str,
    value: Decimal,
    actor: User | None,
    kind: str = PROMO_PERCENT,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    max_redemptions: int | None = None,
    min_order_total: Decimal = Decimal("0.00"),
) -> PromoCode:
    """A code (stored upper-case, unique whatever its case), a percentage or an amount."""
    check_operator(actor)
    promo = PromoCode(
        code=normalize_promo_code(code),
        kind=kind,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
        max_redemptions=max_redemptions,
        min_order_total=min_order_total,
    )
    full_clean(promo)
    try:
        promo.save()
    except IntegrityError as exc:
        raise _taken() from exc
    return promo


def promo_code_update(
    *, promo: PromoCode, actor: User | None, **changes: Unpack[PromoCodeChanges]
) -> PromoCode:
    """Changes the code's terms. The row is locked as a redemption locks it, and only the changed
    fields are written: a redemption counted meanwhile is neither lost nor overwritten, and a new
    maximum is checked against the real count."""
    check_operator(actor)
    if "code" in changes:
        changes["code"] = normalize_promo_code(changes["code"])
    try:
        with transaction.atomic():
            current = PromoCode.objects.select_for_update().get(pk=promo.pk)
            apply(current, changes)
            full_clean(current)
            current.save(update_fields=list(changes))
    except IntegrityError as exc:
        raise _taken() from exc
    apply(promo, changes)
    promo.redemptions_count = current.redemptions_count
    return current


def promo_code_delete(*, promo: PromoCode, actor: User | None) -> None:
    """Deletes a code never redeemed (administrators; the uses are the record of what was sold)."""
    check_administrator(actor)
    in_use = Conflict(
        _("This promo code was redeemed: it is kept for the record."),
        code=PricingErrorCode.PROMO_IN_USE,
    )
    remove(promo, in_use=in_use, listed=False)
