from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.checks import ports_provided

        checks.register(ports_provided)

        from core import dispatch, outbox, tasks
        from core.webhooks import delivery

        outbox.relay.provide(tasks.hand_events)
        dispatch.register_consumer(delivery.CONSUMER)
        dispatch.register_consumer(delivery.OPERATOR_NOTICE)
        checks.register(_relay_wired)


def _relay_wired(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    from core import outbox

    if outbox.relay.provided:
        return []
    return [
        checks.Error(
            "core.outbox.relay is not wired: events would never be dispatched.", id="core.E002"
        )
    ]
