"""Serializer and filter fields shared by every API.

Request bodies use the Strict* fields: a value must have the JSON type and the form the schema
gives it. DRF's own fields coerce (0 becomes "0", "5" becomes 5, 49.9 becomes a Decimal), so a
client's mistake would be stored as something it did not mean, and the schema would promise a
refusal the API does not make. Query parameters are text by nature: their serializers keep DRF's
parsing fields.

Ids are read with StrictUUIDField (bodies and query serializers) and UUIDFilter (filters): only
a UUID's canonical text form. DRF and Django's forms also read 32 bare hex digits, braces,
"urn:uuid:" and integers as a UUID, which the schema's `format: uuid` does not allow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
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


def decimal_pattern(whole_digits: int, decimal_places: int) -> str:
    """A decimal as text, ASCII digits only: at least one digit, at most `whole_digits` before
    the point and `decimal_places` after it."""
    return (
        rf"^-?(?:[0-9]{{1,{whole_digits}}}(?:\.[0-9]{{0,{decimal_places}}})?"
        rf"|\.[0-9]{{1,{decimal_places}}})$"
    )


class StrictCharField(serializers.CharField):
    """A JSON string only."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    """A JSON string of ASCII letters, digits, `-` and `_` only."""

    default_error_messages = {
        "not_a_string": serializers.CharField.default_error_messages["invalid"]
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    """A JSON string holding an e-mail address."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (not "5", not 5.0, not true)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
class StrictUUIDField(serializers.UUIDField):
    """A UUID in its canonical text form, in a body or a query."""

    def to_internal_value(self, data: Any) -> UUID:
        if not isinstance(data, str) or not _UUID.fullmatch(data):
            self.fail("invalid")
        value: UUID = super().to_internal_value(data)
        return value


class StrictDecimalField(serializers.DecimalField):
    """An amount as a JSON string of ASCII digits ("49.90"), never a float: the text is the
    schema's pattern, so the refusals are the ones it promises."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.max_whole_digits is not None, "give max_digits"
        assert self.decimal_places is not None, "give decimal_places"
        self.pattern = decimal_pattern(self.max_whole_digits, self.decimal_places)
        self._pattern = re.compile(self.pattern)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not self._pattern.fullmatch(data):
            self.fail("invalid")
        value: Decimal = super().to_internal_value(data)
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
