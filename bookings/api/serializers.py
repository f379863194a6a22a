from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings import readmodel
from bookings.domain.history import Place, move_of
from bookings.domain.policies import NOTE_MAX_LENGTHS
from bookings.domain.states import Role
from bookings.models import Booking, BookingEvent
from core.api.fields import (
    AwareDateTimeField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
    StrictSlugField,
    StrictUUIDField,
)
from core.api.inputs import StrictInput
from core.api.visibility import StaffOnlyFieldsMixin

# Who reads the staff-only fields of a booking and its history (core.api.visibility).
STAFF_READERS = frozenset({Role.OPERATOR, Role.TECHNICIAN})


class SiteClockDateTimeField(serializers.DateTimeField):
    """A moment as the read model holds it, on the site's clock with its offset (DRF's own
    field would move it to the server's timezone)."""

    def to_representation(self, value: datetime) -> str:  # None is answered before this
        return value.isoformat()


class ActionPathField(serializers.CharField):
    """An action as the last segment of its path (`no_show` -> `no-show`)."""

    def to_representation(self, value: str) -> str:
        return value.replace("_", "-")


class _PercentField(serializers.DecimalField):
    """A percentage as the fee tiers state it ("0", "50", "12.5"), not padded to two places."""

    def to_representation(self, value: Decimal) -> str:
        return str(value)


class CancellationCostSerializer(serializers.Serializer[Any]):
    """What cancelling now would cost the reader (the shape of `cancellation_cost`)."""

    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    percent = _PercentField(max_digits=5, decimal_places=2)
    currency = serializers.CharField()


class BookingCustomerSerializer(serializers.Serializer[readmodel.CustomerRef]):
    id = serializers.UUIDField()
    name = serializers.CharField(help_text=_("Their full name; empty when they gave none."))
    email = serializers.CharField(
        help_text=_("Empty for a walk-in customer who has not given one yet.")
    )


class BookingVehicleSerializer(serializers.Serializer[readmodel.VehicleRef]):
    id = serializers.UUIDField()
    plate = serializers.CharField(help_text=_("As booked."))
    category = serializers.CharField()


class BookingServiceSerializer(serializers.Serializer[readmodel.ServiceRef]):
    code = serializers.CharField()
    name = serializers.CharField(help_text=_("As booked."))


class BookingSiteSerializer(serializers.Serializer[readmodel.SiteRef]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    timezone = serializers.CharField()


class BookingResourceSerializer(serializers.Serializer[readmodel.ResourceRef]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class BookingSerializer(StaffOnlyFieldsMixin, serializers.Serializer[readmodel.BookingView]):
    """A booking as its customer, an operator or its technician sees it; the staff-only fields
    are absent for its customer. Times are in the site's timezone with their offset."""

    # Serializes bookings.readmodel.BookingView (bookings.selectors.booking_views): the schema
    # and the answer come from these fields. Staff-only: Booking.STAFF_ONLY_FIELDS.
    id = serializers.UUIDField()
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=Booking.StateChoices.choices)
    customer = BookingCustomerSerializer()
    vehicle = BookingVehicleSerializer()
    service = BookingServiceSerializer()
    option_codes = serializers.ListField(
        child=serializers.CharField(), help_text=_("The codes of the options booked.")
    )
    site = BookingSiteSerializer()
    resource = BookingResourceSerializer()
    start = SiteClockDateTimeField()
    end = SiteClockDateTimeField()
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    price = serializers.JSONField(
        help_text=_("The quote as it was when booked (POST /api/v1/quotes's shape then).")
    )
    promo_code = serializers.CharField()
    customer_note = serializers.CharField()
    operator_note = serializers.CharField()
    cancellation_reason = serializers.CharField()
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    confirmation_deadline = SiteClockDateTimeField(
        source="reader.confirmation_deadline",
        allow_null=True,
        help_text=_(
            "Pending bookings: by when the workshop must confirm it, else it expires (its "
            "confirmation window after it became pending, or its start if sooner); else null."
        ),
    )
    reschedule_deadline = SiteClockDateTimeField(
        source="reader.reschedule_deadline",
        allow_null=True,
        help_text=_(
            "Until when you may reschedule (customers: 24 h before the start by default; "
            "operators: the start), even if it has passed; null when you may not reschedule "
            "this booking at all."
        ),
    )
    cancellation_cost = CancellationCostSerializer(
        source="reader.cancellation_cost",
        allow_null=True,
        help_text=_(
            "What cancelling now would cost you (amount, percentage of the total, currency); "
            "null when you may not cancel."
        ),
    )
    actions = serializers.ListField(
        source="reader.actions",
        child=ActionPathField(),
        help_text=_(
            "What you may do with the booking now (the actions' paths: confirm, reschedule, "
            "start, complete, cancel, no-show, rate); an action the rules would refuse at this "
            "moment is not listed."
        ),
    )

    class Meta:
        staff_only_fields = Booking.STAFF_ONLY_FIELDS

    def reader_is_staff(self, instance: readmodel.BookingView) -> bool:
        return instance.reader is not None and instance.reader.role in STAFF_READERS

    def to_representation(self, instance: readmodel.BookingView) -> dict[str, Any]:
        if instance.reader is None:
            raise readmodel.MissingReadModel(
                f"Booking {instance.pk} was given no reader (bookings.selectors.booking_views)"
            )
        data: dict[str, Any] = super().to_representation(instance)
        return data


class BookingCreateSerializer(serializers.Serializer[Any]):
    vehicle = StrictUUIDField(help_text=_("One of your vehicles."))
    service = StrictSlugField(max_length=50, help_text=_("The service's code."))
    options = serializers.ListField(
        child=StrictSlugField(max_length=50), required=False, default=list, max_length=20
    )
    site = StrictUUIDField()
    start = AwareDateTimeField(help_text=_("ISO 8601 with its UTC offset."))
    promo_code = StrictCharField(max_length=40, required=False, allow_blank=True)
    customer_note = StrictCharField(
        max_length=NOTE_MAX_LENGTHS["customer_note"], required=False, allow_blank=True, default=""
    )
    expected_total = StrictDecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("The total the customer saw; a different fresh quote answers 409."),
    )
    customer = StrictUUIDField(
        required=False, help_text=_("Operators only: the customer the booking is for.")
    )


class BookingNotesSerializer(StrictInput):
    """The notes, the only fields that may change. Any other field answers 400:
    `read_only_field` for a field of the booking, `unknown_field` otherwise; nothing is changed."""

    resource = BookingSerializer

    customer_note = StrictCharField(
        max_length=NOTE_MAX_LENGTHS["customer_note"], required=False, allow_blank=True
    )
    operator_note = StrictCharField(
        max_length=NOTE_MAX_LENGTHS["operator_note"],
        required=False,
        allow_blank=True,
        write_only=True,
    )


class CancelSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why it is cancelled; required of operators."),
    )


class RescheduleSerializer(serializers.Serializer[Any]):
    start = AwareDateTimeField(help_text=_("The new start, ISO 8601 with its UTC offset."))


class RateSerializer(StrictInput):
    """The rating, under the names the booking shows it (`rating`, `rating_comment`; any other
    field, such as the former `stars` and `comment`, answers 400 `unknown_field`)."""

    resource = BookingSerializer

    rating = StrictIntegerField(min_value=1, max_value=5, help_text=_("1 to 5 stars."))
    rating_comment = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")


class BookingResourceRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField(allow_null=True)


class BookingPlaceSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField(help_text=_("On the site's clock, with its offset."))
    resource = BookingResourceRefSerializer(
        help_text=_("Null for reschedules recorded before resources were."), allow_null=True
    )


class BookingMoveSerializer(serializers.Serializer[Any]):
    """From which start and resource to which a reschedule moved the booking."""

    # The shape of `moved`, for the schema (BookingEventSerializer.get_moved builds the value).
    # `from` is a Python keyword: get_fields adds it.
    to = BookingPlaceSerializer()

    def get_fields(self) -> dict[str, Any]:
        return {"from": BookingPlaceSerializer(), **super().get_fields()}


class BookingEventSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer[BookingEvent]):
    """One row of a booking's history. Which account acted (`actor`) is for staff only; the
    booking's customer sees `actor_role`."""

    # Needs bookings.selectors.booking_history's annotation (site_timezone).
    actor = serializers.SerializerMethodField()
    moved = serializers.SerializerMethodField(
        help_text=_("Reschedules: from which start and resource to which; else null.")
    )

    class Meta:
        model = BookingEvent
        fields = (
            "action",
            "from_state",
            "to_state",
            "actor",
            "actor_role",
            "at",
            "reason",
            "moved",
        )
        read_only_fields = fields

    @extend_schema_field(BookingMoveSerializer(allow_null=True))
    def get_moved(self, event: BookingEvent) -> dict[str, Any] | None:
        move = move_of(event.action, event.details, readmodel.event_timezone(event))
        if move is None:
            return None

        def place(where: Place) -> dict[str, Any]:
            resource = (
                {"id": where.resource_id, "name": where.resource_name}
                if where.resource_id is not None
                else None
            )
            return {"start": where.start.isoformat(), "resource": resource}

        return {"from": place(move.before), "to": place(move.after)}

    def get_actor(self, event: BookingEvent) -> str | None:
        return str(event.actor.public_id) if event.actor is not None else None
