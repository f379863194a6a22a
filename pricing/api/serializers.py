"""Shapes of the pricing API. The listing comes from the cached catalogue (plain dicts); these
serializers validate the input and document the output."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import (
    AwareDateTimeField,
    StrictCharField,
    StrictSlugField,
    StrictUUIDField,
)
from pricing.domain.vocabulary import SERVICE_KINDS
from vehicles.public import CATEGORIES, ENERGIES

LISTING_ORDERINGS = ("name", "code", "base_price", "base_duration_minutes")


class CategoryPriceSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=CATEGORIES)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    duration_minutes = serializers.IntegerField()


class OptionListingSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    extra_duration_minutes = serializers.IntegerField()


class ServiceListingSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField(help_text=_("One of: %s.") % ", ".join(SERVICE_KINDS))
    base_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    base_duration_minutes = serializers.IntegerField()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    buffer_after_minutes = serializers.IntegerField()
    excluded_energies = serializers.ListField(
        child=serializers.CharField(), help_text=_("Energies it cannot be done on.")
    )
    currency = serializers.CharField()
    prices = CategoryPriceSerializer(many=True, help_text=_("Price and duration per category."))
    options = OptionListingSerializer(many=True, help_text=_("Add-ons offered for it."))


class ServiceListQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=SERVICE_KINDS, required=False)


class QuoteRequestSerializer(serializers.Serializer[Any]):
    service = StrictSlugField(max_length=50, help_text=_("The service's code."))
    category = serializers.ChoiceField(
        choices=CATEGORIES, required=False, help_text=_("Without a vehicle: its category.")
    )
    energy = serializers.ChoiceField(
        choices=ENERGIES, required=False, help_text=_("Without a vehicle: its energy (optional).")
    )
    vehicle = StrictUUIDField(
        required=False, help_text=_("One of your vehicles (needs authentication).")
    )
    options = serializers.ListField(
        child=StrictSlugField(max_length=50), required=False, default=list, max_length=20
    )
    site = StrictUUIDField(
        required=False, help_text=_("The site: price rules then read the start on its clock.")
    )
    start = AwareDateTimeField(
        required=False, help_text=_("ISO 8601 with offset; time-based prices need it.")
    )
    promo_code = StrictCharField(
        max_length=40, required=False, allow_blank=True, trim_whitespace=True
    )

    # What validate() enforces, said in the schema (core.api.schema reads it): a vehicle, or a
    # category with an optional energy.
    openapi_rules: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {
                "required": ["vehicle"],
                "not": {"anyOf": [{"required": ["category"]}, {"required": ["energy"]}]},
            },
            {"required": ["category"], "not": {"required": ["vehicle"]}},
        ]
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_vehicle = attrs.get("vehicle") is not None
        if has_vehicle == (attrs.get("category") is not None):
            raise serializers.ValidationError(
                {"category": [_("Give either a vehicle or a category, not both.")]}
                if has_vehicle
                else {"category": [_("Give a vehicle or a category.")]}
            )
        if has_vehicle and attrs.get("energy") is not None:
            raise serializers.ValidationError(
                {"energy": [_("The vehicle's own energy is used; leave this out.")]}
            )
        return attrs


class QuoteLineSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=_("service, option, modifier or promo"))
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class QuoteReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    subject = serializers.CharField()


class QuoteSerializer(serializers.Serializer[Any]):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    category = serializers.ChoiceField(choices=CATEGORIES)
    energy = serializers.ChoiceField(choices=ENERGIES, allow_null=True)
    options = serializers.ListField(
        child=serializers.CharField(), help_text=_("The options quoted.")
    )
    start = serializers.DateTimeField(
        allow_null=True, help_text=_("The local start the price rules were matched on.")
    )
    lines = QuoteLineSerializer(many=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_included = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    currency = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    buffer_after_minutes = serializers.IntegerField()
    reasons = QuoteReasonSerializer(many=True)
    promo_code = serializers.CharField(allow_null=True, help_text=_("The code applied, if any."))
    required_skill = serializers.CharField(allow_null=True)
