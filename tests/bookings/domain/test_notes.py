"""The notes' length rule lives once (bookings.domain.policies); the API's serializers and the
model use the same numbers for the shape."""

from __future__ import annotations

import pytest
from django.db import models
from rest_framework import serializers

from bookings.domain.policies import NOTE_MAX_LENGTHS, check_notes
from core.errors import ValidationFailed


def test_notes_within_their_length_pass_and_longer_ones_are_refused_each() -> None:
    check_notes(customer_note="x" * 1000, operator_note="y" * 2000)
    check_notes(customer_note=None)  # not written
    with pytest.raises(ValidationFailed) as too_long:
        check_notes(customer_note="x" * 1001, operator_note="y" * 2001)
    assert too_long.value.details == {
        "customer_note": ["At most 1000 characters."],
        "operator_note": ["At most 2000 characters."],
    }


def test_the_serializers_and_the_model_use_the_rules_numbers() -> None:
    from bookings.api.serializers import BookingCreateSerializer, BookingNotesSerializer
    from bookings.models import Booking

    for field, limit in NOTE_MAX_LENGTHS.items():
        model_field = Booking._meta.get_field(field)
        assert isinstance(model_field, models.TextField)
        assert model_field.max_length == limit
        notes_field = BookingNotesSerializer().fields[field]
        assert isinstance(notes_field, serializers.CharField)
        assert notes_field.max_length == limit
    create_field = BookingCreateSerializer().fields["customer_note"]
    assert isinstance(create_field, serializers.CharField)
    assert create_field.max_length == 1000
