from __future__ import annotations

from typing import Any

BODY = {
    "plate": "ab-123-cd",
    "make": "Renault",
    "model": "Clio",
    "year": 2020,
    "category": "small",
    "energy": "diesel",
}


def url(vehicle: Any = None, action: str = "") -> str:
    if vehicle is None:
        return "/api/v1/vehicles"
    public_id = getattr(vehicle, "public_id", vehicle)
    return f"/api/v1/vehicles/{public_id}" + (f"/{action}" if action else "")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The shared envelope with the expected status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    return error
