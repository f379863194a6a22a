from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.domain import policies
from bookings.domain.history import Place, move_of
from bookings.domain.states import Role, State, allowed_transitions
from bookings.models import Booking, BookingEvent
from core.api.fields import AwareDateTimeField
from core.api.inputs import StrictInput
from core.api.visibility import StaffOnlyFieldsMixin

# Who reads the staff-only fields of a booking and its history (core.api.visibility).
STAFF_READERS = frozenset({Role.OPERATOR, Role.TECHNICIAN})


def _local(value: datetime | None, tz_name: str) -> str | None:
    return value.astimezone(ZoneInfo(tz_name)).isoformat() if value is not None else None


class BookingSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer[Booking]):
    """A booking as its customer, an operator or its technician sees it; the staff-only fields
    are absent for its customer. Times are in the site's timezone with their offset."""

    # Needs the annotations of bookings.selectors; staff-only: Booking.STAFF_ONLY_FIELDS.
    id = serializers.UUIDField(source="public_id", read_only=True)
    customer = serializers.SerializerMethodField()
    vehicle = serializers.SerializerMethodField()
    service = serializers.SerializerMethodField()
    site = serializers.SerializerMethodField()
    resource = serializers.SerializerMethodField()
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    price = serializers.JSONField(source="price_snapshot", read_only=True)
    total = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)
    actions = serializers.SerializerMethodField()
    confirmation_deadline = serializers.SerializerMethodField(
        help_text=_(
            "Pending bookings: by when the workshop must confirm it, else it expires (its "
            "confirmation window after it became pending, or its start if sooner); else null."
        )
    )

    class Meta:
        model = Booking
        fields = (
            "id",
            "reference",
            "state",
            "customer",
            "vehicle",
            "service",
            "option_codes",
            "site",
            "resource",
            "start",
            "end",
            "total",
            "currency",
            "price",
            "promo_code",
            "customer_note",
            "operator_note",
            "cancellation_reason",
            "fee",
            "rating",
            "rating_comment",
            "created_at",
            "confirmed_at",
            "started_at",
            "completed_at",
            "cancelled_at",
            "confirmation_deadline",
            "actions",
        )
        read_only_fields = fields

    def get_customer(self, booking: Booking) -> dict[str, str]:
        return {
            "id": str(booking.customer.public_id),
            "name": booking.customer.get_full_name(),
            "email": booking.customer.email,
        }

    def get_vehicle(self, booking: Booking) -> dict[str, str]:
        return {
            "id": str(booking.vehicle_public_id),  # type: ignore[attr-defined]
            "plate": booking.vehicle_plate,
            "category": booking.vehicle_category,
        }

    def get_service(self, booking: Booking) -> dict[str, str]:
        return {"code": booking.service_code, "name": booking.service_name}  # type: ignore[attr-defined]

    def get_site(self, booking: Booking) -> dict[str, str]:
        return {
            "id": str(booking.site_public_id),  # type: ignore[attr-defined]
            "name": booking.site_name,  # type: ignore[attr-defined]
            "timezone": booking.site_timezone,  # type: ignore[attr-defined]
        }

    def get_resource(self, booking: Booking) -> dict[str, str]:
        return {
            "id": str(booking.resource_public_id),  # type: ignore[attr-defined]
            "name": booking.resource_name,  # type: ignore[attr-defined]
        }

    def get_start(self, booking: Booking) -> str | None:
        return _local(booking.start, booking.site_timezone)  # type: ignore[attr-defined]

    def get_end(self, booking: Booking) -> str | None:
        return _local(booking.end, booking.site_timezone)  # type: ignore[attr-defined]

    def reader_is_staff(self, instance: Any) -> bool:
        role_of = self.context.get("role_of")
        return role_of is not None and role_of(instance) in STAFF_READERS

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_confirmation_deadline(self, booking: Booking) -> str | None:
        deadline = policies.confirmation_deadline(
            state=State(booking.state),
            timing=booking.timing(),
            confirmation_window=timedelta(
                minutes=booking.confirmation_window_minutes  # type: ignore[attr-defined]
            ),
        )
        return _local(deadline, booking.site_timezone)  # type: ignore[attr-defined]

    def get_actions(self, booking: Booking) -> list[str]:
        """What the asking user may try now by the state machine (timing rules aside)."""
        role_of = self.context.get("role_of")
        role: Role | None = role_of(booking) if role_of is not None else None
        if role is None:
            return []
        return [a.replace("_", "-") for a in allowed_transitions(State(booking.state), role)]


class BookingCreateSerializer(serializers.Serializer):
    vehicle = serializers.UUIDField(help_text=_("One of your vehicles."))
    service = serializers.SlugField(max_length=50, help_text=_("The service's code."))
    options = serializers.ListField(
        child=serializers.SlugField(max_length=50), required=False, default=list, max_length=20
    )
    site = serializers.UUIDField()
    start = AwareDateTimeField(help_text=_("ISO 8601 with its UTC offset."))
    promo_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    customer_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    expected_total = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("The total the customer saw; a different fresh quote answers 409."),
    )
    customer = serializers.UUIDField(
        required=False, help_text=_("Operators only: the customer the booking is for.")
    )


class BookingNotesSerializer(StrictInput):
    """The notes, the only fields that may change. Any other field answers 400:
    `read_only_field` for a field of the booking, `unknown_field` otherwise; nothing is changed."""

    resource = BookingSerializer

    customer_note = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    operator_note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, write_only=True
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    start = AwareDateTimeField(help_text=_("The new start, ISO 8601 with its UTC offset."))


class RateSerializer(StrictInput):
    """The rating, under the names the booking shows it (`rating`, `rating_comment`; any other
    field, such as the former `stars` and `comment`, answers 400 `unknown_field`)."""

    resource = BookingSerializer

    rating = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 to 5 stars."))
    rating_comment = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class BookingResourceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField(allow_null=True)


class BookingPlaceSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text=_("On the site's clock, with its offset."))
    resource = BookingResourceRefSerializer(
        help_text=_("Null for reschedules recorded before resources were."), allow_null=True
    )


class BookingMoveSerializer(serializers.Serializer):
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
        move = move_of(event.action, event.details, event.site_timezone)  # type: ignore[attr-defined]
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
