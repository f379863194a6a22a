from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from vehicles.models import Vehicle

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

BODY = {
    "plate": "ab-123-cd",
    "make": "Renault",
    "model": "Clio",
    "year": 2020,
    "category": "small",
    "energy": "diesel",
}


def url(vehicle: Vehicle | uuid.UUID | None = None, action: str = "") -> str:
    if vehicle is None:
        return "/api/v1/vehicles"
    public_id = vehicle.public_id if isinstance(vehicle, Vehicle) else vehicle
    return f"/api/v1/vehicles/{public_id}" + (f"/{action}" if action else "")


def assert_error(response: _MonkeyPatchedResponse, status: int, code: str) -> dict[str, Any]:
    """The shared envelope with the expected status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    return error
