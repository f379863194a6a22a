"""A model's own validation as the use cases' refusal: every rule the model holds (its fields'
validators, `clean()`, its unique and check constraints), per field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from core.errors import ValidationFailed


def full_clean(instance: models.Model, **options: Any) -> None:
    """`instance.full_clean(**options)`; ValidationFailed with the messages per field."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc
