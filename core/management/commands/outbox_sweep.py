from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.tasks import sweep


class Command(BaseCommand):
    help = (
        "Hand again to the worker the events, e-mails and webhook deliveries it missed (what beat"
        " runs every 30 s; safe to run at any time)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        handed = sweep()
        self.stdout.write(
            f"Handed {handed['events']} event(s), {handed['emails']} e-mail(s),"
            f" {handed['webhooks']} webhook delivery(ies)."
        )
