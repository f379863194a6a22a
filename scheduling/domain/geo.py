"""Distances between a customer and the sites, behind an interface a routing service could
implement later (road distance or travel time instead of the great circle)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


class Distance(Protocol):
    def km(self, origin: GeoPoint, destination: GeoPoint) -> float: ...


class GreatCircle:
    """Haversine distance on a spherical Earth (error under 0.5 %, enough to sort sites)."""

    def km(self, origin: GeoPoint, destination: GeoPoint) -> float:
        lat1 = math.radians(origin.latitude)
        lat2 = math.radians(destination.latitude)
        d_lat = lat2 - lat1
        d_lon = math.radians(destination.longitude - origin.longitude)
        h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
