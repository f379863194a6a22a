"""Promo code redemption and release: exact counting whatever the concurrency.

The promo row is locked (SELECT ... FOR UPDATE) for the whole check-and-count, so concurrent
redemptions of one code queue up and each sees the count the previous one left; the conditional
UPDATE (count < max) and the partial unique index (one active redemption per customer and code)
are the database's last word should anything bypass the lock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from core.locking import locked_transaction
from pricing.domain.codes import PricingErrorCode
from pricing.domain.messages import template_for
from pricing.domain.promo import (
    PROMO_ALREADY_USED,
    PROMO_EXHAUSTED,
    PROMO_UNKNOWN,
    promo_refusal,
)
from pricing.domain.vocabulary import normalize_promo_code
from pricing.models import PromoCode, PromoRedemption
from pricing.selectors.promos import promo_data_from, promo_with_use

# How long a redemption or release waits for another one of the same code (core.locking).
LOCK_WAIT_MS = 5000


def _refuse(code: PricingErrorCode, promo_code: str) -> Conflict:
    # The template and its subject: worded in the reader's language when rendered.
    return Conflict(
        template_for(code),
        params={"subject": promo_code},
        code=code,
        details={"promo_code": promo_code},
    )


def _promo_transaction() -> AbstractContextManager[None]:
    """Inside a caller's transaction (a booking being made) a savepoint: the caller's own,
    shorter lock wait stays in force. Alone, a transaction whose lock waits are bounded by
    LOCK_WAIT_MS (core.locking: 409 with Retry-After when it runs out). SQLite already
    serialises writers with its IMMEDIATE transactions."""
    if connection.in_atomic_block:
        return transaction.atomic()
    return locked_transaction(milliseconds=LOCK_WAIT_MS)


def promo_redeem(
    *, code: str, customer_id: int, order_total: Decimal, now: datetime | None = None
) -> int:
    """Takes one use of `code` for the customer; returns the redemption id (to release it).
    `order_total` is the total the discount applies to (before the promo line), checked against
    the code's minimum. Refusals: 409 promo_unknown, promo_not_yet_valid, promo_expired,
    promo_exhausted, promo_already_used, promo_below_minimum."""
    moment = resolve_now(now)
    wanted = normalize_promo_code(code)
    if not wanted:
        raise ValidationFailed(details={"promo_code": [_("This field may not be blank.")]})
    with _promo_transaction():
        # One read under the lock: the code and this customer's earlier use (an EXISTS). Had it
        # to wait for another redemption of the code, the code's row is read as that one left
        # it (the count is exact), but the EXISTS sees the redemptions committed before the
        # read began: a use the customer made in the transaction waited for is refused by the
        # unique index below instead (promo_already_used all the same).
        promo = promo_with_use(wanted, customer_id=customer_id).select_for_update().first()
        if promo is None:
            raise _refuse(PROMO_UNKNOWN, wanted)
        state = promo_data_from(promo, used_by_customer=vars(promo)["used_by_customer"])
        refusal = promo_refusal(state, now=moment, order_total=order_total)
        if refusal is not None:
            raise _refuse(refusal, wanted)
        counted = (
            PromoCode.objects.filter(pk=promo.pk)
            .filter(Q(max_redemptions__isnull=True) | Q(redemptions_count__lt=F("max_redemptions")))
            .update(redemptions_count=F("redemptions_count") + 1)
        )
        if counted != 1:
            raise _refuse(PROMO_EXHAUSTED, wanted)
        try:
            redemption = PromoRedemption.objects.create(
                promo=promo,
                customer_id=customer_id,
                order_total=order_total,
                redeemed_at=moment,
            )
        except IntegrityError as exc:
            # No savepoint of its own: the refusal leaves the block, whose savepoint (or
            # transaction) is rolled back with the count, and nothing runs in between.
            raise _refuse(PROMO_ALREADY_USED, wanted) from exc
    return redemption.pk


def promo_release(*, redemption_id: int, now: datetime | None = None) -> bool:
    """Gives the use back (its booking was cancelled before confirmation, or expired). Releasing
    twice counts once; returns whether this call released it."""
    moment = resolve_now(now)
    promo_id = (
        PromoRedemption.objects.filter(pk=redemption_id).values_list("promo_id", flat=True).first()
    )
    if promo_id is None:
        raise NotFound(_("No such promo redemption."), code=ErrorCode.NOT_FOUND)
    with _promo_transaction():
        # Same lock order as promo_redeem (the code, then its redemptions): no deadlock between a
        # release and a redemption of the same code.
        PromoCode.objects.select_for_update().filter(pk=promo_id).first()
        released = PromoRedemption.objects.filter(
            pk=redemption_id, released_at__isnull=True
        ).update(released_at=moment)
        if released:
            PromoCode.objects.filter(pk=promo_id, redemptions_count__gt=0).update(
                redemptions_count=F("redemptions_count") - 1
            )
    return bool(released)
