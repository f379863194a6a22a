"""Serializer and filter fields shared by every API.

Ids are read with StrictUUIDField (bodies and query serializers) and UUIDFilter (filters): only
a UUID's canonical text form. DRF and Django's forms also read 32 bare hex digits, braces,
"urn:uuid:" and integers as a UUID, which the schema's `format: uuid` does not allow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.clock import MAX_YEAR, MIN_YEAR, year_supported

# The canonical text form of a UUID (RFC 9562), either case; nothing else is an id here.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(UUID_PATTERN)


@extend_schema_field({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
class StrictUUIDField(serializers.UUIDField):
    """A UUID in its canonical text form, in a body or a query."""

    def to_internal_value(self, data: Any) -> UUID:
        if not isinstance(data, str) or not _UUID.fullmatch(data):
            self.fail("invalid")
        value: UUID = super().to_internal_value(data)
        return value


class StrictUUIDFormField(forms.UUIDField):
    """django-filter's UUID field, refusing what is not a UUID's canonical text form."""

    def to_python(self, value: Any) -> Any:  # a UUID or None (the stubs say str)
        if isinstance(value, str) and value not in self.empty_values and not _UUID.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class UUIDFilter(django_filters.UUIDFilter):
    field_class = StrictUUIDFormField


# Real UTC offsets run from -12:00 to +14:00; ISO 8601 allows up to +/-23:59, PostgreSQL only
# +/-15:59. Anything beyond +/-14:00 is a typo and would otherwise reach the database.
MAX_UTC_OFFSET = timedelta(hours=14)
OFFSET_MESSAGE = _("The UTC offset must lie between -14:00 and +14:00.")
YEAR_MESSAGE = _("Give a year between %(first)d and %(last)d.")


def year_message() -> str:
    return str(YEAR_MESSAGE) % {"first": MIN_YEAR, "last": MAX_YEAR}


def offset_in_range(value: datetime) -> bool:
    offset = value.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its offset, kept as given: a naive time is refused, never guessed."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2025-06-07T10:00:00+02:00."),
        "offset": OFFSET_MESSAGE,
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        if not offset_in_range(value):
            self.fail("offset")
        if not year_supported(value):
            raise serializers.ValidationError(year_message(), code="year")
        return value


class UtcIsoDateTimeField(IsoDateTimeField):
    """A filter's ISO 8601 date-time, checked and turned into UTC before it reaches SQL."""

    def clean(self, value: Any) -> datetime | None:
        result: datetime | None = super().clean(value)
        if result is None:
            return None
        if not offset_in_range(result):
            raise forms.ValidationError(OFFSET_MESSAGE, code="offset")
        if not year_supported(result):
            raise forms.ValidationError(year_message(), code="year")
        return result.astimezone(UTC)


class UtcIsoDateTimeFilter(IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
