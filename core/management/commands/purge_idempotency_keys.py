from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.idempotency import idempotency_purge


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours (safe to run at any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_purge()
        self.stdout.write(f"Purged {deleted} expired idempotency key(s).")
