"""Idempotent POSTs (SPEC §6): a retry with the same `Idempotency-Key` and body returns the first
response; the same key with another body is refused (422); a duplicate arriving while the first is
still running is refused (409) rather than run twice. Keys live 24 h.

The claim is committed on its own, before the work, so that a duplicate sees it; the answer is
recorded in the request's own transaction (core.api.idempotency), so a key is "done" exactly when
its work committed. A key left "in flight" therefore belongs to a request that died before
committing (a killed worker): once older than the lease (IDEMPOTENCY_LEASE_SECONDS) a retry
takes it over, and should the first request still finish, its completion finds the claim gone
and rolls its work back (ClaimLost)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.errors import Conflict, ErrorCode, Unprocessable, ValidationFailed, gettext_noop
from core.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


class ClaimLost(Conflict):
    """The key was taken over by a retry after the lease: this request must not commit."""

    code = ErrorCode.IDEMPOTENCY_KEY_TAKEN_OVER
    default_message = gettext_noop(
        "This request took too long: a retry with the same Idempotency-Key has taken its place."
    )


def lease() -> timedelta:
    seconds = settings.IDEMPOTENCY_LEASE_SECONDS
    if not 1 <= seconds <= KEY_LIFETIME.total_seconds():
        raise ImproperlyConfigured("IDEMPOTENCY_LEASE_SECONDS must lie between 1 s and 24 h.")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Claim:
    pk: int
    claimed_at: datetime  # the claim's created_at: completing checks it is still ours
    replay_status: int | None = None
    replay_body: Any = None

    @property
    def is_replay(self) -> bool:
        return self.replay_status is not None


def fingerprint(*, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def idempotency_claim(
    *, user_id: int, key: str, fingerprint: str, now: datetime | None = None
) -> Claim:
    """Claims `key` for this request, or says what to answer instead."""
    moment = resolve_now(now)
    if not _KEY_PATTERN.match(key):
        raise ValidationFailed(
            details={"Idempotency-Key": [_("Use 1 to 255 printable ASCII characters.")]}
        )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user_id=user_id, key=key, fingerprint=fingerprint, created_at=moment
                )
            return Claim(pk=row.pk, claimed_at=moment)
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
            if existing is None:  # released in between: try again
                continue
            if existing.created_at <= moment - KEY_LIFETIME:
                IdempotencyKey.objects.filter(pk=existing.pk).delete()
                continue
            if existing.fingerprint != fingerprint:
                raise Unprocessable(
                    _("This Idempotency-Key was already used with a different request."),
                    code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
                ) from None
            if existing.status == IdempotencyKey.Status.IN_FLIGHT:
                if existing.created_at <= moment - lease():
                    # Compare-and-set: of two retries taking over at once, one wins.
                    taken = IdempotencyKey.objects.filter(
                        pk=existing.pk,
                        status=IdempotencyKey.Status.IN_FLIGHT,
                        created_at=existing.created_at,
                    ).update(created_at=moment)
                    if taken:
                        return Claim(pk=existing.pk, claimed_at=moment)
                    continue
                raise Conflict(
                    _("A request with this Idempotency-Key is still being processed; retry later."),
                    code=ErrorCode.IDEMPOTENCY_IN_FLIGHT,
                ) from None
            return Claim(
                pk=existing.pk,
                claimed_at=existing.created_at,
                replay_status=existing.response_status,
                replay_body=existing.response_body,
            )
    raise Conflict(
        _("A request with this Idempotency-Key is still being processed; retry later."),
        code=ErrorCode.IDEMPOTENCY_IN_FLIGHT,
    )


def idempotency_complete(*, claim: Claim, status: int, body: Any) -> None:
    """Records the answer to replay; call it in the transaction of the request's work."""
    completed = IdempotencyKey.objects.filter(
        pk=claim.pk, status=IdempotencyKey.Status.IN_FLIGHT, created_at=claim.claimed_at
    ).update(status=IdempotencyKey.Status.DONE, response_status=status, response_body=body)
    if not completed:
        raise ClaimLost()


def idempotency_release(*, claim: Claim) -> None:
    """The request failed in a way worth retrying (5xx), nothing of it committed: forget the key
    (unless a retry has taken it over meanwhile)."""
    IdempotencyKey.objects.filter(
        pk=claim.pk, status=IdempotencyKey.Status.IN_FLIGHT, created_at=claim.claimed_at
    ).delete()


def idempotency_purge(*, now: datetime | None = None) -> int:
    cutoff = resolve_now(now) - KEY_LIFETIME
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lte=cutoff).delete()
    return deleted
