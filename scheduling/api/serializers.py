from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import (
    InstantField,
    MomentField,
    QueryBooleanField,
    QueryFloatField,
    QueryIntegerField,
    StrictSlugField,
    StrictUUIDField,
    WallClockTimeField,
)
from scheduling.domain.explain import REASON_CODES
from scheduling.domain.preferences import PARTS_OF_DAY
from scheduling.domain.window import MAX_YEAR, MIN_YEAR
from scheduling.models import OpeningHours, Site
from vehicles.public import CATEGORIES

MOMENT_HELP = _(
    "A date (YYYY-MM-DD, read on the site's clock) or a date-time with its UTC offset "
    "(ISO 8601). A naive date-time is refused."
)


class OpeningHoursSerializer(serializers.ModelSerializer[OpeningHours]):
    opens = WallClockTimeField()
    closes = WallClockTimeField()

    class Meta:
        model = OpeningHours
        fields = ("weekday", "opens", "closes")
        extra_kwargs = {"weekday": {"help_text": _("ISO weekday: 1 = Monday ... 7 = Sunday.")}}


class SiteSerializer(serializers.ModelSerializer[Site]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    latitude = serializers.FloatField(allow_null=True, read_only=True)
    longitude = serializers.FloatField(allow_null=True, read_only=True)

    class Meta:
        model = Site
        fields: tuple[str, ...] = (
            "id",
            "name",
            "timezone",
            "address",
            "latitude",
            "longitude",
            "slot_step_minutes",
            "min_notice_minutes",
            "horizon_days",
            "auto_confirm",
            "confirmation_window_minutes",
        )
        read_only_fields: tuple[str, ...] = fields


class SiteDetailSerializer(SiteSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta(SiteSerializer.Meta):
        fields = (*SiteSerializer.Meta.fields, "opening_hours")
        read_only_fields = fields


class _ServiceQuery(serializers.Serializer[Any]):
    service = StrictSlugField(max_length=50, help_text=_("Service code."))
    vehicle = StrictUUIDField(
        required=False, help_text=_("One of your vehicles (needs authentication).")
    )
    category = serializers.ChoiceField(
        choices=CATEGORIES,
        required=False,
        help_text=_("Vehicle category, when no vehicle is given: give exactly one of the two."),
    )
    options = serializers.ListField(
        child=StrictSlugField(max_length=50),
        required=False,
        default=list,
        max_length=20,
        help_text=_("Option codes: repeat the parameter or separate them with commas."),
    )


class AvailabilityQuerySerializer(_ServiceQuery):
    site = StrictUUIDField()
    from_ = MomentField(first_year=MIN_YEAR, last_year=MAX_YEAR, help_text=MOMENT_HELP)
    to = MomentField(
        first_year=MIN_YEAR,
        last_year=MAX_YEAR,
        help_text=_(
            "End of the period, at most 31 days after `from`: a date includes its whole day; a "
            "date-time is excluded."
        ),
    )
    include_resources = QueryBooleanField(
        default=False, help_text=_("Operators only: list the free resources of each start.")
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # a Python keyword, but the API's word
        return fields


class SuggestQuerySerializer(_ServiceQuery):
    lat = QueryFloatField(min_value=-90, max_value=90)
    lon = QueryFloatField(min_value=-180, max_value=180)
    radius_km = QueryFloatField(min_value=0, max_value=500, default=25)
    after = MomentField(
        first_year=MIN_YEAR,
        last_year=MAX_YEAR,
        required=False,
        help_text=_("Date-time with offset (or a date, read as UTC midnight); default now."),
    )
    part_of_day = serializers.ListField(
        child=serializers.ChoiceField(choices=PARTS_OF_DAY),
        required=False,
        default=list,
        help_text=_("morning (before 12:00), afternoon (12:00-17:00), evening (from 17:00)."),
    )
    weekdays = serializers.ListField(
        child=QueryIntegerField(min_value=1, max_value=7),
        required=False,
        default=list,
        max_length=7,
        help_text=_("ISO weekdays, 1 = Monday ... 7 = Sunday, repeated or comma-separated."),
    )
    limit = QueryIntegerField(min_value=1, max_value=50, default=10)


class SiteRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    timezone = serializers.CharField()


class ServiceRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    buffer_after_minutes = serializers.IntegerField()


class FreeStartSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField(help_text=_("On the site's clock, with its offset."))
    end = serializers.DateTimeField()
    free_resources = serializers.IntegerField(help_text=_("How many resources could take it."))
    resources = serializers.ListField(
        child=serializers.UUIDField(),
        allow_null=True,
        help_text=_("Ids of those resources: operators asking include_resources, else null."),
    )


class WallIntervalSerializer(serializers.Serializer[Any]):
    opens = serializers.CharField(help_text=_("HH:MM, on the site's clock."))
    closes = serializers.CharField()


class SpecialDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=["holiday", "closed", "hours", "regular"],
        help_text=_(
            "holiday: a public holiday, closed; closed, hours (the hours below) or regular (the "
            "week's hours, a holiday opened anyway): a date exception of the site."
        ),
    )
    holiday = serializers.CharField(help_text=_("The public holiday's name, empty for none."))
    reason = serializers.CharField(help_text=_("The exception's reason, if any."))
    hours = WallIntervalSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer[Any]):
    site = SiteRefSerializer()
    service = ServiceRefSerializer()
    from_ = serializers.DateTimeField()
    to = serializers.DateTimeField()
    starts = FreeStartSerializer(many=True)
    special_days = SpecialDaySerializer(
        many=True,
        help_text=_("Days of the period that do not follow the site's week, by date."),
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class SuggestionSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    site = SiteRefSerializer()
    distance_km = serializers.FloatField()
    free_resources = serializers.IntegerField()


class SuggestionsSerializer(serializers.Serializer[Any]):
    service = ServiceRefSerializer()
    suggestions = SuggestionSerializer(many=True)


class ExplainQuerySerializer(_ServiceQuery):
    site = StrictUUIDField()
    start = InstantField(
        first_year=MIN_YEAR,
        last_year=MAX_YEAR,
        help_text=_("The start to explain: a date-time with its UTC offset (RFC 3339)."),
    )


class RangeSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class ClosureRefSerializer(RangeSerializer):
    reason = serializers.CharField(required=False, help_text=_("Operators only."))


class BlockingBookingSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    blocked_until = serializers.DateTimeField(help_text=_("Its end plus its clean-up buffer."))
    buffer_only = serializers.BooleanField(
        help_text=_("Only a clean-up buffer (its or the new one's) meets the start.")
    )


class StartReasonSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=REASON_CODES)
    message = serializers.CharField()
    earliest = serializers.DateTimeField(required=False, help_text=_("too_soon."))
    latest = serializers.DateTimeField(required=False, help_text=_("beyond_horizon."))
    previous = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("not_on_grid: the grid start before.")
    )
    next = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("not_on_grid: the grid start after.")
    )
    day = serializers.DateField(required=False, help_text=_("Opening or resource hours: the day."))
    hours = RangeSerializer(many=True, required=False, help_text=_("That day's open spans."))
    skill = serializers.CharField(required=False, allow_null=True)
    closures = ClosureRefSerializer(many=True, required=False)
    bookings = BlockingBookingSerializer(
        many=True, required=False, help_text=_("taken, operators only: what holds the resource.")
    )


class ResourceVerdictSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    free = serializers.BooleanField()
    reasons = StartReasonSerializer(many=True)


class NearestSerializer(serializers.Serializer[Any]):
    before = serializers.DateTimeField(allow_null=True)
    after = serializers.DateTimeField(allow_null=True)


class ExplanationSerializer(serializers.Serializer[Any]):
    site = SiteRefSerializer()
    service = ServiceRefSerializer()
    start = serializers.DateTimeField(help_text=_("On the site's clock."))
    end = serializers.DateTimeField()
    offered = serializers.BooleanField()
    reasons = StartReasonSerializer(
        many=True, help_text=_("Why it is not offered, each reason once (empty when offered).")
    )
    resources = ResourceVerdictSerializer(
        many=True,
        allow_null=True,
        help_text=_("Operators only (else null): each compatible resource and its own reasons."),
    )
    nearest = NearestSerializer(help_text=_("The nearest offered starts, within 7 days."))
