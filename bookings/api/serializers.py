from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings import readmodel, selectors
from bookings.domain.history import Place, move_of
from bookings.domain.outlook import Outlook
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
from core.clock import resolve_now

# Who reads the staff-only fields of a booking and its history (core.api.visibility).
STAFF_READERS = frozenset({Role.OPERATOR, Role.TECHNICIAN})


def _local(value: datetime | None, tz_name: str) -> str | None:
    return value.astimezone(ZoneInfo(tz_name)).isoformat() if value is not None else None


class CancellationCostSerializer(serializers.Serializer[Any]):
    """What cancelling now would cost the reader (the shape of `cancellation_cost`)."""

    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()


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
    actions = serializers.SerializerMethodField(
        help_text=_(
            "What you may do with the booking now (the actions' paths: confirm, reschedule, "
            "start, complete, cancel, no-show, rate); an action the rules would refuse at this "
            "moment is not listed."
        )
    )
    confirmation_deadline = serializers.SerializerMethodField(
        help_text=_(
            "Pending bookings: by when the workshop must confirm it, else it expires (its "
            "confirmation window after it became pending, or its start if sooner); else null."
        )
    )
    reschedule_deadline = serializers.SerializerMethodField(
        help_text=_(
            "Until when you may reschedule (customers: 24 h before the start by default; "
            "operators: the start), even if it has passed; null when you may not reschedule "
            "this booking at all."
        )
    )
    cancellation_cost = serializers.SerializerMethodField(
        help_text=_(
            "What cancelling now would cost you (amount, percentage of the total, currency); "
            "null when you may not cancel."
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
            "reschedule_deadline",
            "cancellation_cost",
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
            "id": str(readmodel.view_of(booking).vehicle_id),
            "plate": booking.vehicle_plate,
            "category": booking.vehicle_category,
        }

    def get_service(self, booking: Booking) -> dict[str, str]:
        return {"code": readmodel.view_of(booking).service_code, "name": booking.service_name}

    def get_site(self, booking: Booking) -> dict[str, str]:
        site = readmodel.view_of(booking).site
        return {
            "id": str(site.id),
            "name": site.name,
            "timezone": site.timezone,
        }

    def get_resource(self, booking: Booking) -> dict[str, str]:
        resource = readmodel.view_of(booking).resource
        return {
            "id": str(resource.id),
            "name": resource.name,
        }

    def get_start(self, booking: Booking) -> str | None:
        return _local(booking.start, readmodel.site_timezone_of(booking))

    def get_end(self, booking: Booking) -> str | None:
        return _local(booking.end, readmodel.site_timezone_of(booking))

    def reader_is_staff(self, instance: Any) -> bool:
        role_of = self.context.get("role_of")
        return role_of is not None and role_of(instance) in STAFF_READERS

    def _outlook(self, booking: Booking) -> Outlook | None:
        """What the reader may do now, worked out once per booking (bookings.selectors, with
        the services' own policies); None when the reader has no role (schema generation)."""
        role_of = self.context.get("role_of")
        if role_of is None:
            return None
        cache: dict[int, Outlook] = self.context.setdefault("outlooks", {})
        if booking.pk not in cache:
            now = self.context.get("now") or resolve_now(None)
            cache[booking.pk] = selectors.booking_outlook(booking, role=role_of(booking), now=now)
        return cache[booking.pk]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_confirmation_deadline(self, booking: Booking) -> str | None:
        seen = self._outlook(booking)
        deadline = seen.confirmation_deadline if seen is not None else None
        return _local(deadline, readmodel.site_timezone_of(booking))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_reschedule_deadline(self, booking: Booking) -> str | None:
        seen = self._outlook(booking)
        deadline = seen.reschedule_deadline if seen is not None else None
        return _local(deadline, readmodel.site_timezone_of(booking))

    @extend_schema_field(CancellationCostSerializer(allow_null=True))
    def get_cancellation_cost(self, booking: Booking) -> dict[str, str] | None:
        seen = self._outlook(booking)
        if seen is None or seen.cancellation_cost is None:
            return None
        cost = seen.cancellation_cost
        return {
            "amount": str(cost.amount),
            "percent": str(cost.percent),
            "currency": booking.currency,
        }

    def get_actions(self, booking: Booking) -> list[str]:
        seen = self._outlook(booking)
        return [a.replace("_", "-") for a in seen.actions] if seen is not None else []


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
