"""A model's own validation as the use cases' refusal: every rule the model holds (its fields'
validators, `clean()`, its unique and check constraints), per field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

from core.clock import MAX_YEAR, MIN_YEAR, year_supported
from core.errors import ValidationFailed


def full_clean(instance: models.Model, **options: Any) -> None:
    """`instance.full_clean(**options)`; ValidationFailed with the messages per field."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc


def supported_year(moment: date) -> None:
    """A form field's validator: a date or date-time of a year a date from outside may name
    (core.clock.MIN_YEAR..MAX_YEAR, as the API's fields), so that no conversion leaves the
    calendar."""
    if not year_supported(moment):
        raise ValidationError(
            gettext("Give a year between %(first)d and %(last)d.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="year",
        )
