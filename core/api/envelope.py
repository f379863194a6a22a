"""The one shape of every API error: {"error": {"code", "message", "details", "request_id"}}."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings

from core.request_context import get_request_id


def error_body(code: StrEnum, message: str, details: Any = None) -> dict[str, Any]:
    """`code` a member of an error-code enum (core.errors.ErrorCode, an app's): it renders as its
    value."""
    return {
        "error": {
            "code": code,
            "message": str(message),
            "details": details if details is not None else {},
            "request_id": get_request_id(),
        }
    }


def body_limit() -> dict[str, Any]:
    """The details of a 413: the limit a client must stay under."""
    return {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
