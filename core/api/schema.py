"""OpenAPI: every operation documents the error envelope for each status it can answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from core.api.fields import StrictDecimalField


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, StrictDecimalField) and direction == "request":
            # The text the field reads, exactly (drf-spectacular's own pattern allows "" and "-").
            schema["pattern"] = field.pattern
        return schema


ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code."},
                "message": {"type": "string", "description": "Human message, translated."},
                "details": {
                    "description": "Per-field messages for validation errors, else context.",
                    "oneOf": [{"type": "object"}, {"type": "array"}],
                },
                "request_id": {"type": "string", "nullable": True},
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input (details per field).",
    "401": "Missing, expired or invalid credentials.",
    "403": "Not allowed for this account.",
    "404": "Not found (also for objects of other customers).",
    "406": "The Accept header asks for a format we do not serve.",
    "409": "A business rule or the current state refuses the request.",
    "415": "The body is not JSON.",
    "422": "The request cannot be processed as sent.",
    "429": "Too many requests; see Retry-After.",
    "500": "Unexpected error (logged with the request id).",
    "503": "A backing service is unavailable; retry later.",
}

_ALWAYS = ("400", "401", "403", "404", "406", "429", "500", "503")
_WITH_BODY = ("415",)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE_SCHEMA
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            statuses = list(_ALWAYS)
            if method in {"post", "put", "patch"}:
                statuses += list(_WITH_BODY)
            for status in statuses:
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            for status, response in list(responses.items()):
                if status in _DESCRIPTIONS and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
    return result
