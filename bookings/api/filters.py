from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from core.api.fields import UtcIsoDateTimeFilter, UUIDFilter


class BookingFilter(django_filters.FilterSet):
    """Customers filter their own bookings; operators filter everything."""

    state = django_filters.MultipleChoiceFilter(choices=Booking.StateChoices.choices)
    site = UUIDFilter(field_name="site__public_id")
    resource = UUIDFilter(field_name="resource__public_id")
    service = django_filters.CharFilter(field_name="service__code", max_length=50)
    customer = UUIDFilter(field_name="customer__public_id")
    start_after = UtcIsoDateTimeFilter(
        field_name="start", lookup_expr="gte", help_text=_("Starts at or after (ISO 8601).")
    )
    start_before = UtcIsoDateTimeFilter(
        field_name="start", lookup_expr="lt", help_text=_("Starts before (ISO 8601).")
    )

    class Meta:
        model = Booking
        fields = ("state", "site", "resource", "service", "customer", "start_after", "start_before")
