from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import StrictCharField, StrictIntegerField
from core.api.inputs import StrictInput
from vehicles.domain.plates import RAW_PLATE_PATTERN
from vehicles.domain.rules import YEAR_MIN
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES
from vehicles.models import Vehicle

# The raw plate may carry separators ("ab - 123 - cd"); the service normalises and checks it.
RAW_PLATE_MAX_LENGTH = 32


class VehicleSerializer(serializers.ModelSerializer[Vehicle]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plate = serializers.CharField(read_only=True, help_text=_("Normalised: AB123CD."))
    plate_display = serializers.CharField(
        read_only=True, help_text=_("As shown to people: AB-123-CD for French SIV plates.")
    )
    # Plain values, like the input fields: one enum per vocabulary in the schema (the model's
    # choices carry labels for the back-office, which would make a second, colliding enum).
    category = serializers.ChoiceField(choices=CATEGORIES, read_only=True)
    energy = serializers.ChoiceField(choices=ENERGIES, read_only=True)
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Vehicle
        fields = (
            "id",
            "plate",
            "plate_display",
            "make",
            "model",
            "year",
            "category",
            "energy",
            "nickname",
            "colour",
            "is_default",
            "archived",
            "archived_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class _VehicleInput(serializers.Serializer[Any]):
    plate = StrictCharField(
        max_length=RAW_PLATE_MAX_LENGTH,
        openapi_pattern=RAW_PLATE_PATTERN,
        help_text=_(
            "2 to 12 letters and digits once spaces, dashes and dots are removed; "
            "stored upper case."
        ),
    )
    make = StrictCharField(max_length=50)
    model = StrictCharField(max_length=50)
    year = StrictIntegerField(min_value=YEAR_MIN, help_text=_("From 1950 to next year."))
    category = serializers.ChoiceField(choices=CATEGORIES)
    energy = serializers.ChoiceField(choices=ENERGIES)
    nickname = StrictCharField(max_length=40, required=False, allow_blank=True)
    colour = StrictCharField(max_length=30, required=False, allow_blank=True)


class VehicleCreateSerializer(_VehicleInput):
    """A new vehicle; the owner's first active vehicle becomes the default."""


class VehicleUpdateSerializer(StrictInput, _VehicleInput):
    """Any subset of the fields (PATCH, validated with partial=True). The default flag moves
    with `set-default`, archiving with DELETE: sending them here is refused, like any field the
    vehicle shows but a PATCH cannot change (read_only_field), as on PATCH me and bookings."""

    resource = VehicleSerializer
