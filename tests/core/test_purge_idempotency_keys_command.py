"""purge_idempotency_keys: keys older than 24 h go, younger ones stay, a summary says how many;
running it again purges nothing more."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from core.clock import utcnow
from core.models import IdempotencyKey
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def purge() -> str:
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    return out.getvalue().strip()


def test_purges_keys_older_than_24_hours_only() -> None:
    user = UserFactory.create()
    now = utcnow()
    for key, age in [("old-1", 25), ("old-2", 24 * 7), ("fresh", 23)]:
        IdempotencyKey.objects.create(
            user=user, key=key, fingerprint="f" * 64, created_at=now - timedelta(hours=age)
        )

    assert purge() == "Purged 2 expired idempotency key(s)."
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert purge() == "Purged 0 expired idempotency key(s)."
