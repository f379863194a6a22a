"""System checks of the project's wiring, run by `manage.py check`, `migrate` and `runserver`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import autodiscover_modules

from core.ports import Port


def declared_ports(app_configs: Sequence[AppConfig] | None = None) -> list[Port[..., Any]]:
    """The ports the apps declare, found in their `public` modules (where the providing app
    reaches them), in app order."""
    # Discovered the way the admin discovers admin.py: core may import no app by name, and every
    # app's public module must be looked at, whoever imported it so far.
    autodiscover_modules("public")
    found: dict[int, Port[..., Any]] = {}
    for config in app_configs or apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.public")
        for value in vars(module).values() if module is not None else ():
            if isinstance(value, Port):
                found.setdefault(id(value), value)
    return list(found.values())


def ports_provided(
    *, app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """An error per port no app provides: called, it would raise PortNotProvided."""
    return [
        Error(
            f"Port {port.name} is not provided ({port.answers}).",
            hint="The app that answers it must call provide() in its AppConfig.ready().",
            obj=port.name,
            id="core.E001",
        )
        for port in declared_ports(app_configs)
        if not port.provided
    ]
