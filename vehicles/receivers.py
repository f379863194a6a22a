"""Vehicles' answers to signals sent by lower apps (connected in VehiclesConfig.ready)."""

from __future__ import annotations

from typing import Any

from vehicles import selectors


def personal_data_section(sender: Any, *, user_id: int, **kwargs: Any) -> tuple[str, Any]:
    """The "vehicles" section of the user's personal data export, archived vehicles included."""
    return "vehicles", selectors.vehicle_personal_data(owner_id=user_id)


def account_erased(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    from vehicles import services

    services.vehicles_erase_owner(owner_id=user_id)
