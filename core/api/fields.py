"""Serializer fields shared by every API."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its offset, kept as given: a naive time is refused, never guessed."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2025-06-07T10:00:00+02:00."),
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return value
