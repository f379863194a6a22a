"""Who may read a field. The workshop's own data (its notes, which account did what) is declared
once, on the model, in `STAFF_ONLY_FIELDS`; every serializer with `StaffOnlyFieldsMixin` leaves
those fields out unless the reader is staff. tests/core/test_field_visibility.py walks every API
serializer and fails on one that would show such a field to a customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

STAFF_ONLY_DESCRIPTION = "Staff only (operators and technicians): absent for customers."


def staff_only_model_fields(model: type[Any] | None) -> frozenset[str]:
    return frozenset(getattr(model, "STAFF_ONLY_FIELDS", ()))


def reads_staff_only(field: serializers.Field[Any, Any, Any, Any], model: type[Any] | None) -> bool:
    """Whether `field` shows one of `model`'s staff-only fields (by its source or its name)."""
    names = staff_only_model_fields(model)
    source = (getattr(field, "source", None) or "").split(".")[0]
    return bool(names) and (field.field_name in names or source in names)


class StaffOnlyFieldsMixin(serializers.BaseSerializer[Any]):
    """Leaves out, unless `reader_is_staff(instance)`, the fields that read a staff-only field of
    `Meta.model` and those named in `Meta.staff_only_fields` (computed ones). The context's
    `reader_is_staff` says who reads: a bool, or a callable of the instance; absent, not staff."""

    def staff_only_names(self) -> frozenset[str]:
        meta = getattr(self, "Meta", None)
        model = getattr(meta, "model", None)
        fields: dict[str, Any] = getattr(self, "fields", {})
        derived = {name for name, field in fields.items() if reads_staff_only(field, model)}
        return frozenset(derived | set(getattr(meta, "staff_only_fields", ())))

    def reader_is_staff(self, instance: Any) -> bool:
        decide: bool | Callable[[Any], bool] = self.context.get("reader_is_staff", False)
        return bool(decide(instance)) if callable(decide) else bool(decide)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not self.reader_is_staff(instance):
            for name in self.staff_only_names():
                data.pop(name, None)
        return data


class StaffOnlyFieldsSchema(OpenApiSerializerExtension):
    """In the schema those fields are optional (a customer does not get them) and say so."""

    target_class = StaffOnlyFieldsMixin
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        hidden = self.target.staff_only_names()
        if "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in hidden]
            if not schema["required"]:
                del schema["required"]
        for name in hidden:
            if name in schema.get("properties", {}):
                schema["properties"][name]["description"] = STAFF_ONLY_DESCRIPTION
        return schema
