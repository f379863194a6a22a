"""Every API serializer, found by walking the apps' api modules (not listed by hand), keeps the
models' staff-only fields (STAFF_ONLY_FIELDS) from customers: a field that shows one must sit in a
serializer with core.api.visibility.StaffOnlyFieldsMixin, which leaves it out for them."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from django.apps import apps
from rest_framework import serializers

from core.api.visibility import StaffOnlyFieldsMixin, reads_staff_only, staff_only_model_fields

_T = TypeVar("_T")
APPS = ("core", "accounts", "vehicles", "pricing", "scheduling", "bookings")


def _api_serializers() -> list[type[serializers.Serializer[Any]]]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".api" in module.name:
                importlib.import_module(module.name)

    def subclasses(cls: type[_T]) -> Iterator[type[_T]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {
            cls
            for cls in subclasses(serializers.Serializer)  # those with fields (not lists, mixins)
            if cls.__module__.split(".")[0] in APPS and ".api" in cls.__module__
        },
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


STAFF_ONLY_NAMES = frozenset().union(
    *(staff_only_model_fields(model) for model in apps.get_models())
)


def _leaks(serializer: serializers.Serializer[Any], path: str = "") -> Iterator[str]:
    """The readable fields of `serializer` (nested ones too) that show staff-only data to a
    reader who is not staff."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    hidden = (
        serializer.staff_only_names() if isinstance(serializer, StaffOnlyFieldsMixin) else set()
    )
    for name, field in serializer.fields.items():
        if field.write_only or name in hidden:
            continue
        shows = reads_staff_only(field, model) if model is not None else name in STAFF_ONLY_NAMES
        if shows:
            yield f"{path}{name}"
        nested: Any = getattr(field, "child", field)
        if isinstance(nested, serializers.Serializer):  # DRF's serializers with fields
            yield from _leaks(nested, f"{path}{name}.")


def test_the_walk_finds_the_serializers_and_the_staff_only_fields() -> None:
    names = {cls.__name__ for cls in _api_serializers()}
    assert {"BookingSerializer", "BookingEventSerializer", "UserSerializer"} <= names
    assert len(names) > 30
    assert {"operator_note", "actor"} <= STAFF_ONLY_NAMES


@pytest.mark.parametrize("serializer_class", _api_serializers(), ids=lambda cls: cls.__qualname__)
def test_no_serializer_shows_a_staff_only_field_to_a_customer(
    serializer_class: type[serializers.Serializer[Any]],
) -> None:
    assert list(_leaks(serializer_class())) == []


def test_the_check_catches_a_serializer_that_would_leak() -> None:
    from bookings.models import Booking, BookingEvent

    class Leaky(serializers.ModelSerializer[Booking]):
        note = serializers.CharField(source="operator_note")

        class Meta:
            model = Booking
            fields = ("reference", "note", "operator_note")

    class LeakyEvents(serializers.ModelSerializer[BookingEvent]):
        class Meta:
            model = BookingEvent
            fields = ("action", "actor")

    class Plain(serializers.Serializer[Any]):
        operator_note = serializers.CharField()
        history = LeakyEvents(many=True)

    assert list(_leaks(Leaky())) == ["note", "operator_note"]
    assert list(_leaks(Plain())) == ["operator_note", "history.actor"]
