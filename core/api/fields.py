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
from typing import Any, cast
from uuid import UUID

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.clock import MAX_YEAR, MIN_YEAR

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


def _annotate(instance: object, schema: dict[str, Any]) -> None:
    """Gives one field or filter instance its own schema. Set at init, as DRF rebuilds declared
    fields from their arguments for each serializer."""
    extend_schema_field(schema)(cast(Any, instance))


def _json_text(field: serializers.CharField, data: Any, invalid: str = "invalid") -> str:
    if not isinstance(data, str):
        field.fail(invalid)
    return data


def _sent_length(field: serializers.CharField, data: Any) -> None:
    """The schema's maxLength counts the text as sent, before DRF trims it (and before it reads
    a text of spaces only as blank)."""
    if isinstance(data, str) and field.max_length is not None and len(data) > field.max_length:
        field.fail("max_length", max_length=field.max_length)


class StrictCharField(serializers.CharField):
    """A JSON string only, of at most `max_length` characters as sent. `openapi_pattern` is the
    pattern its text must match, published in the schema; the use case behind the field
    enforces it (the rule's one home), so the pattern must say exactly what it accepts."""

    def __init__(self, *, openapi_pattern: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.openapi_pattern = openapi_pattern

    def run_validation(self, data: Any = serializers.empty) -> Any:
        _sent_length(self, data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(_json_text(self, data))


class StrictSlugField(serializers.SlugField):
    """A JSON string of ASCII letters, digits, `-` and `_` only, taken as sent (not trimmed: the
    schema's pattern has no room for surrounding spaces)."""

    default_error_messages = {
        "not_a_string": serializers.CharField.default_error_messages["invalid"]
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        _sent_length(self, data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(_json_text(self, data, "not_a_string"))


class StrictEmailField(serializers.EmailField):
    """A JSON string holding an e-mail address, taken as sent (`format: email` has no spaces)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        _sent_length(self, data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(_json_text(self, data))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (not "5", not 5.0, not true)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


# Query parameters are text; these read numbers and booleans as the schema's form style writes
# them. Python's int() and float() would also read " 5", "5_000" and other scripts' digits, DRF's
# IntegerField "5.0", and its BooleanField "yes", "on" and "1".
_QUERY_INTEGER = re.compile(r"-?[0-9]+")
_QUERY_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


class QueryIntegerField(serializers.IntegerField):
    """A query's whole number, in ASCII digits."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, str) or not _QUERY_INTEGER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryFloatField(serializers.FloatField):
    """A query's number, in ASCII digits with an optional fraction and exponent."""

    def to_internal_value(self, data: Any) -> float:
        if not isinstance(data, str) or not _QUERY_NUMBER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryBooleanField(serializers.BooleanField):
    """A query's `true` or `false`."""

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid", input=data)
        return bool(data == "true")


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
    """django-filter's UUID field, refusing what is not a UUID's canonical text form, the empty
    text included (`?site=` is not "any site")."""

    def to_python(self, value: Any) -> Any:  # a UUID or None (the stubs say str)
        if isinstance(value, str) and not _UUID.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class _DescribedFilter:
    """A filter whose parameter schema is `openapi_schema`, keeping its help text (an annotation
    on the class would replace the description drf-spectacular takes from it)."""

    openapi_schema: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = kwargs.get("help_text")
        schema = {**self.openapi_schema, **({"description": str(help_text)} if help_text else {})}
        _annotate(self, schema)


class UUIDFilter(_DescribedFilter, django_filters.UUIDFilter):
    field_class = StrictUUIDFormField
    openapi_schema = {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}


def year_range_pattern(first: int, last: int) -> str:
    """A regular expression (no anchors) matching exactly the 4-digit years first..last."""
    assert 0 <= first <= last <= 9999

    def digits(first: int, last: int) -> str:
        return str(first) if first == last else f"[{first}-{last}]"

    def any_digits(width: int) -> str:
        return "[0-9]" if width == 1 else f"[0-9]{{{width}}}"

    def spans(low: str, high: str) -> list[str]:
        if low == high:
            return [low]
        if low == "0" * len(low) and high == "9" * len(high):
            return [any_digits(len(low))]
        if len(low) == 1:
            return [digits(int(low), int(high))]
        if low[0] == high[0]:
            return [low[0] + rest for rest in spans(low[1:], high[1:])]
        width = len(low) - 1
        parts: list[str] = []
        head_from, head_to = int(low[0]), int(high[0])
        if low[1:] != "0" * width:
            parts += [low[0] + rest for rest in spans(low[1:], "9" * width)]
            head_from += 1
        tail = [] if high[1:] == "9" * width else spans("0" * width, high[1:])
        if tail:
            head_to -= 1
        if head_from <= head_to:
            parts.append(digits(head_from, head_to) + any_digits(width))
        return parts + [high[0] + rest for rest in tail]

    alternatives = spans(f"{first:04d}", f"{last:04d}")
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


# Real UTC offsets run from -12:00 to +14:00; ISO 8601 allows up to +/-23:59, PostgreSQL only
# +/-15:59. Anything beyond +/-14:00 is a typo and would otherwise reach the database.
MAX_UTC_OFFSET = timedelta(hours=14)
OFFSET_MESSAGE = _("The UTC offset must lie between -14:00 and +14:00.")

# A date-time as RFC 3339 writes it (the schema's `format: date-time`): upper-case T and Z, an
# offset in the real range, at most microseconds (what Python keeps). Python would also read
# "2025-06-07 10:00", week dates, basic format and lower case; the schema promises none of them.
_MONTH_DAY = r"-[0-9]{2}-[0-9]{2}"
_DATE = rf"[0-9]{{4}}{_MONTH_DAY}"
_TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
_OFFSET = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
# The years core.clock allows (which also keeps every time zone's offset whole minutes: Paris
# kept +00:09:21 until 1911, which RFC 3339 cannot write back).
YEAR_MESSAGE = _("Give a year between %(first)d and %(last)d.")
DATETIME_PATTERN = rf"^{year_range_pattern(MIN_YEAR, MAX_YEAR)}{_MONTH_DAY}T{_TIME}{_OFFSET}$"
_RFC3339 = re.compile(rf"{_DATE}T{_TIME}{_OFFSET}")
_NAIVE = re.compile(rf"{_DATE}T{_TIME}")
_ANY_OFFSET = re.compile(rf"{_DATE}T{_TIME}[+-][0-9]{{2}}:[0-9]{{2}}")
DATETIME_HELP = _("Give a date-time as 2025-06-07T10:00:00+02:00 (RFC 3339).")
NAIVE_MESSAGE = _("Give the time with its UTC offset, e.g. 2025-06-07T10:00:00+02:00.")
DATETIME_SCHEMA = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}


def _shape_error(text: str) -> str | None:
    """Why `text` is not an RFC 3339 date-time in our offsets ("naive", "offset", "invalid")."""
    if _RFC3339.fullmatch(text):
        return None
    if _NAIVE.fullmatch(text):
        return "naive"
    if _ANY_OFFSET.fullmatch(text):
        return "offset"
    return "invalid"


def datetime_text_error(text: str) -> str | None:
    """Why `text` is not a date-time this API reads ("naive", "offset", "year", "invalid")."""
    error = _shape_error(text)
    if error is None and not MIN_YEAR <= int(text[:4]) <= MAX_YEAR:
        return "year"
    return error


def _year_error() -> serializers.ValidationError:
    return serializers.ValidationError(
        YEAR_MESSAGE % {"first": MIN_YEAR, "last": MAX_YEAR}, code="year"
    )


def offset_in_range(value: datetime) -> bool:
    offset = value.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


@extend_schema_field(DATETIME_SCHEMA)
class AwareDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time with its offset, in the years core.clock allows, kept as given:
    a naive time is refused, never guessed."""

    default_error_messages = {
        "naive": NAIVE_MESSAGE,
        "offset": OFFSET_MESSAGE,
        "not_rfc3339": DATETIME_HELP,
    }

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("not_rfc3339")
        error = datetime_text_error(value)
        if error == "year":
            raise _year_error()
        if error is not None:
            self.fail("not_rfc3339" if error == "invalid" else error)
        result: datetime = super().to_internal_value(value)
        return result

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        if not offset_in_range(value):
            self.fail("offset")
        return value


class UtcIsoDateTimeField(IsoDateTimeField):
    """A filter's RFC 3339 date-time, checked and turned into UTC before it reaches SQL."""

    def clean(self, value: Any) -> datetime | None:
        if value is None:
            return None
        error = datetime_text_error(value) if isinstance(value, str) else "invalid"
        if error is not None:
            messages: dict[str, Any] = {
                "naive": NAIVE_MESSAGE,
                "offset": OFFSET_MESSAGE,
                "year": YEAR_MESSAGE % {"first": MIN_YEAR, "last": MAX_YEAR},
            }
            raise forms.ValidationError(messages.get(error, DATETIME_HELP), code=error)
        result: datetime | None = super().clean(value)
        if result is None:
            return None
        return result.astimezone(UTC)


class UtcIsoDateTimeFilter(_DescribedFilter, IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
    openapi_schema = DATETIME_SCHEMA


WALL_CLOCK_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field({"type": "string", "pattern": WALL_CLOCK_PATTERN, "example": "08:30"})
class WallClockTimeField(serializers.TimeField):
    """A time of day on a site's clock, HH:MM. Not `format: time`, which is RFC 3339's full-time
    (seconds and a UTC offset): a wall-clock time has no offset of its own."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


# A "+" in a query string arrives as a space when the client forgot to encode it.
_SPACED_OFFSET = re.compile(r"(.+[0-9]) ([0-9]{2}:[0-9]{2})")


class MomentField(serializers.CharField):
    """A query's point in time: a date (YYYY-MM-DD) or an RFC 3339 date-time with its offset, in
    the years `first_year`..`last_year`. The text is passed on (a "+" sent unencoded put back):
    what it means (a date on which clock) is the reader's business."""

    default_error_messages = {
        "moment": _("Give a date (YYYY-MM-DD) or a date-time with its offset (RFC 3339)."),
        "naive": NAIVE_MESSAGE,
        "offset": OFFSET_MESSAGE,
        "year": YEAR_MESSAGE,
    }

    def __init__(self, *, first_year: int, last_year: int, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.first_year, self.last_year = first_year, last_year
        years = year_range_pattern(first_year, last_year)
        _annotate(
            self,
            {
                "type": "string",
                "anyOf": [
                    {"format": "date", "pattern": f"^{years}{_MONTH_DAY}$"},
                    {"format": "date-time", "pattern": f"^{years}{_MONTH_DAY}T{_TIME}{_OFFSET}$"},
                ],
            },
        )

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        spaced = _SPACED_OFFSET.fullmatch(text)
        if spaced and "T" in text:
            text = f"{spaced[1]}+{spaced[2]}"
        error = None if re.fullmatch(_DATE, text) else _shape_error(text)
        if error == "invalid":
            self.fail("moment")
        if error is not None:
            self.fail(error)
        if not self.first_year <= int(text[:4]) <= self.last_year:
            raise serializers.ValidationError(
                self.error_messages["year"] % {"first": self.first_year, "last": self.last_year},
                code="year",
            )
        return text


class InstantField(MomentField):
    """A query's instant: an RFC 3339 date-time with its offset only (no bare date), in the
    years `first_year`..`last_year` (availability/explain's `start`)."""

    default_error_messages = {
        **MomentField.default_error_messages,
        "instant": _("Give a date-time with its offset (RFC 3339), not a date."),
    }

    def __init__(self, *, first_year: int, last_year: int, **kwargs: Any) -> None:
        super().__init__(first_year=first_year, last_year=last_year, **kwargs)
        years = year_range_pattern(first_year, last_year)
        _annotate(
            self,
            {
                "type": "string",
                "format": "date-time",
                "pattern": f"^{years}{_MONTH_DAY}T{_TIME}{_OFFSET}$",
            },
        )

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        if re.fullmatch(_DATE, text):
            self.fail("instant")
        return text
