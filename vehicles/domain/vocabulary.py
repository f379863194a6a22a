"""The words of the vehicle domain, shared with other apps through vehicles.public."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("small", "medium", "large", "van")
ENERGIES: tuple[str, ...] = ("petrol", "diesel", "hybrid", "electric", "other")
