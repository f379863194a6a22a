"""What a history row says about a reschedule: from which start and resource to which. Written
by the reschedule service in the row's details, read back by the API and the admin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Place:
    """Where a booking stood: its start, and its resource (unknown in rows written before the
    resource was recorded)."""

    start: datetime
    resource_id: str | None = None
    resource_name: str | None = None


@dataclass(frozen=True)
class Move:
    before: Place
    after: Place


def reschedule_details(*, before: Place, after: Place, timezone: str) -> dict[str, Any]:
    """The details of a reschedule row: both starts on the site's clock (ISO 8601 with the
    offset, so the row reads the same whatever the reader's zone) and both resources with their
    name at the time."""
    tz = ZoneInfo(timezone)

    def resource(place: Place) -> dict[str, str | None]:
        return {"id": place.resource_id, "name": place.resource_name}

    return {
        "from": before.start.astimezone(tz).isoformat(),
        "to": after.start.astimezone(tz).isoformat(),
        "from_resource": resource(before),
        "to_resource": resource(after),
    }


def move_of(action: str, details: Mapping[str, Any], timezone: str) -> Move | None:
    """The move a reschedule row records, its starts on the site's clock; None for any other row
    or a row without its starts."""
    if action != "reschedule" or "from" not in details or "to" not in details:
        return None
    tz = ZoneInfo(timezone)

    def place(key: str) -> Place:
        resource = details.get(f"{key}_resource") or {}
        return Place(
            start=datetime.fromisoformat(details[key]).astimezone(tz),
            resource_id=resource.get("id"),
            resource_name=resource.get("name"),
        )

    return Move(before=place("from"), after=place("to"))
