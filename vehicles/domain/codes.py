"""The codes of vehicles' refusals (the top-level `error.code` of the envelope)."""

from __future__ import annotations

from enum import StrEnum


class VehicleErrorCode(StrEnum):
    VEHICLE_NOT_FOUND = "vehicle_not_found"  # 404 (also another customer's)
    VEHICLE_ARCHIVED = "vehicle_archived"  # 409
    PLATE_ALREADY_REGISTERED = "plate_already_registered"  # 409
    VEHICLE_CONFLICT = "vehicle_conflict"  # 409: a concurrent change of the same vehicles
    VEHICLES_BUSY = "vehicles_busy"  # 409 with Retry-After: the owner's vehicles are locked
    VEHICLE_LIMIT_REACHED = "vehicle_limit_reached"  # 409
    VEHICLE_HAS_ACTIVE_BOOKING = "vehicle_has_active_booking"  # 409
