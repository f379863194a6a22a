"""Request bodies in which every field counts.

DRF drops a field its serializer does not declare: `PATCH me {"email": ...}` answered 200 and
kept the old e-mail, and a misspelt field was a silent no-op. A `StrictInput` refuses such a body
before any other check, naming each field: `read_only_field` for a field of the resource the
client reads (`resource`, the serializer of the answer: the field exists but this request cannot
change it), `unknown_field` for a name the resource does not have. Nothing is changed. When a
body has both kinds, the code is `read_only_field`; the details name every field. The schema
says the same (`additionalProperties: false`), so a client generated from it never sends one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from core.errors import ErrorCode, Text, ValidationFailed, gettext_noop

READ_ONLY = gettext_noop("This field is read-only.")
UNKNOWN = gettext_noop("Unknown field.")


class StrictInput(serializers.Serializer[Any]):
    """An input serializer that takes only the fields it declares; see the module docstring."""

    # The serializer of what the client reads back (its fields are the read-only candidates).
    resource: ClassVar[type[serializers.BaseSerializer[Any]] | None] = None

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            self._refuse_undeclared(set(data) - set(self.fields))
        return super().to_internal_value(data)

    def _refuse_undeclared(self, names: set[str]) -> None:
        if not names:
            return
        # Built only on this refusal path: a valid body never pays for the resource's fields.
        shown = set(getattr(self.resource(), "fields", {})) if self.resource else set()
        read_only = sorted(names & shown)
        unknown = sorted(names - shown)
        details = {name: [Text(READ_ONLY)] for name in read_only}
        details.update({name: [Text(UNKNOWN)] for name in unknown})
        if read_only:
            raise ValidationFailed(
                gettext_noop("These fields cannot be changed here: %(fields)s."),
                code=ErrorCode.READ_ONLY_FIELD,
                params={"fields": ", ".join([*read_only, *unknown])},
                details=details,
            )
        raise ValidationFailed(
            gettext_noop("These fields are unknown: %(fields)s."),
            code=ErrorCode.UNKNOWN_FIELD,
            params={"fields": ", ".join(unknown)},
            details=details,
        )


class StrictInputSchema(OpenApiSerializerExtension):
    """A StrictInput's request body admits no other property."""

    target_class = StrictInput
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
