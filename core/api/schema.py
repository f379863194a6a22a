"""OpenAPI: every operation documents the error envelope for each status it can answer, with the
enum of the codes it answers at that status (core.api.codes)."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.api import codes, idempotency
from core.api.fields import StrictDecimalField

# Text inputs never hold NUL (DRF's and Django's fields refuse it), and a required text field
# refuses one made only of whitespace, which it trims to nothing.
NO_NUL_PATTERN = r"^[^\u0000]*$"
NOT_BLANK_PATTERN = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
_TEXT_PATTERN = "x-text-pattern"  # carried from _map_serializer_field to _insert_field_validators


def _text_pattern(field: serializers.CharField) -> str | None:
    """The pattern a free-text field's input matches; None when the field has its own."""
    if isinstance(field, serializers.ChoiceField) or any(
        isinstance(v, RegexValidator) for v in field.validators
    ):
        return None
    if not field.allow_blank and field.trim_whitespace:
        return NOT_BLANK_PATTERN
    return NO_NUL_PATTERN


class AutoSchema(SpectacularAutoSchema):
    def _accepts_idempotency_key(self) -> bool:
        """Whether this method, or one it overrides, is wrapped by @idempotent."""
        return codes.accepts_idempotency_key(type(self.view), self.method)

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]  # unannotated upstream
        rules = getattr(serializer, "openapi_rules", None)
        if rules and direction == "request":
            # Rules across fields that the serializer's validate() enforces (oneOf, not, ...).
            schema.update(rules)
        return schema

    def _get_filter_parameters(self) -> list[Any]:
        parameters: list[Any] = super()._get_filter_parameters()  # type: ignore[no-untyped-call]  # unannotated upstream
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if "enum" in schema and "" not in schema["enum"]:
                # A filter reads an empty choice (`?category=`, `?ordering=`) as no choice at all.
                schema["enum"] = [*schema["enum"], ""]
        return parameters

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = super().get_override_parameters()
        if self._accepts_idempotency_key():
            parameters.append(
                OpenApiParameter(
                    idempotency.HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    pattern=idempotency.KEY_PATTERN,
                    description=(
                        "Makes a retry safe: the same key with the same body answers the first "
                        "response again (with `Idempotent-Replayed: true`) instead of acting "
                        "twice, for 24 h. The same key with another body is a 422; while the "
                        "first request still runs, a 409."
                    ),
                )
            )
        return parameters

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        answered = codes.operation_codes(type(self.view), self.method)
        if answered is None:
            warn(
                f"{type(self.view).__name__}.{self.method.lower()} declares no error codes: "
                "decorate it with core.api.codes.error_codes"
            )
            answered = codes.kernel_codes(self.method, idempotent=self._accepts_idempotency_key())
        # Turned into the responses' envelopes by add_error_responses.
        operation[_CODES] = {status: sorted(listed) for status, listed in answered.items()}
        return operation

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]  # unannotated upstream
        if direction != "request" or not isinstance(schema, dict):
            return schema
        if isinstance(field, StrictDecimalField):
            # The text the field reads, exactly (drf-spectacular's own pattern allows "" and "-").
            schema["pattern"] = field.pattern
        elif (
            isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and not {"format", "enum", "pattern", "anyOf", "oneOf"} & set(schema)
        ):
            pattern = getattr(field, "openapi_pattern", None) or _text_pattern(field)
            if pattern is not None:
                schema[_TEXT_PATTERN] = pattern
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        # Added after drf-spectacular's own validators: a blank-allowing field with a pattern
        # would otherwise become oneOf(pattern, ""), which "" (matching both) fails.
        pattern = schema.pop(_TEXT_PATTERN, None)
        super()._insert_field_validators(field, schema)  # type: ignore[no-untyped-call]  # unannotated upstream
        if pattern is not None and not {"pattern", "oneOf"} & set(schema):
            schema["pattern"] = pattern


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

_CODES = "x-error-codes"  # carried from AutoSchema.get_operation to add_error_responses

_DESCRIPTIONS = {
    "400": "Invalid input (details per field).",
    "401": "Missing, expired or invalid credentials.",
    "403": "Not allowed for this account.",
    "404": "Not found (also for objects of other customers).",
    "406": "The Accept header asks for a format we do not serve.",
    "409": "A business rule or the current state refuses the request.",
    "413": "The body is larger than the server accepts.",
    "414": "The URL is longer than the server accepts.",
    "415": "The body is not JSON.",
    "422": "The request cannot be processed as sent.",
    "429": "Too many requests; see Retry-After.",
    "500": "Unexpected error (logged with the request id).",
    "502": "The application did not answer the proxy; retry later.",
    "503": "A backing service is unavailable; retry later.",
    "504": "The application did not answer the proxy in time; retry later.",
}
_IDEMPOTENCY_422 = "This Idempotency-Key was already used with another request."


def _kernel_components() -> dict[frozenset[str], str]:
    """The component of each set of kernel codes an operation without codes of its own at that
    status answers: KernelError<status> (what every operation answers), with a suffix where a
    body or an Idempotency-Key adds to it (KernelError400Body, KernelError409Idempotent)."""
    variants = (
        ("get", False, ""),
        ("delete", False, "Write"),
        ("post", False, "Body"),
        ("delete", True, "Idempotent"),
        ("post", True, "Idempotent"),
    )
    names: dict[frozenset[str], str] = {}
    named: set[int] = set()
    for method, idempotent, suffix in variants:
        for status, listed in codes.kernel_codes(method, idempotent=idempotent).items():
            key = frozenset(str(code) for code in listed)
            if key not in names:
                names[key] = f"KernelError{status}" + (suffix if status in named else "")
                named.add(status)
    return names


def _envelope_with(listed: list[str]) -> dict[str, Any]:
    schema = copy.deepcopy(ERROR_ENVELOPE_SCHEMA)
    schema["properties"]["error"]["properties"]["code"] = {
        "type": "string",
        "enum": listed,
        "description": "Stable machine-readable code: those this operation answers with this "
        "status.",
    }
    return schema


def _pascal(operation_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", operation_id) if part)


def describe_text_parameters(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> Any:
    """Query parameters of filters are free text too: no NUL in them either."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and schema.get("type") == "string"
                    and not {"format", "enum", "pattern"} & set(schema)
                ):
                    schema["pattern"] = NO_NUL_PATTERN
    return result


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """Each error status of each operation answers the envelope with the enum of the codes the
    operation answers at that status (core.api.codes): a shared KernelError<status> component when
    they are only the kernel's, else <OperationId><status>Error. ErrorEnvelope stays the generic
    shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE_SCHEMA
    kernel = _kernel_components()
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            answered: dict[int, list[str]] = operation.pop(_CODES, {})
            responses = operation.setdefault("responses", {})
            for status, listed in answered.items():
                key = str(status)
                name = kernel.get(frozenset(listed)) or (
                    f"{_pascal(operation['operationId'])}{status}Error"
                )
                schemas.setdefault(name, _envelope_with(listed))
                description = _IDEMPOTENCY_422 if name == "KernelError422" else None
                response = responses.setdefault(
                    key, {"description": description or _DESCRIPTIONS[key]}
                )
                response["content"] = {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                }
            for status in responses:
                if status.isdigit() and int(status) >= 400 and int(status) not in answered:
                    warn(
                        f"{operation['operationId']} documents a {status} but lists no code for "
                        "it: declare its codes with core.api.codes.error_codes"
                    )
    return result
