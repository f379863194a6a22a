from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.dispatch import outbox_purge


class Command(BaseCommand):
    help = "Delete dispatched events older than OUTBOX_RETENTION_DAYS whose deliveries are done."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = outbox_purge()
        self.stdout.write(f"Purged {deleted} old event(s).")
