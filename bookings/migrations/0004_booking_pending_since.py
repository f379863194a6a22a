"""The confirmation window runs from when a booking became pending: its creation, or the
customer's reschedule that sent a confirmed booking back to pending (recorded in its history as a
reschedule from confirmed to pending). Existing rows get that moment from their history."""

from typing import Any

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def backfill(apps: Any, schema_editor: Any) -> None:
    booking_model = apps.get_model("bookings", "Booking")
    event_model = apps.get_model("bookings", "BookingEvent")
    booking_model.objects.update(pending_since=F("created_at"))
    sent_back = event_model.objects.filter(
        booking=OuterRef("pk"), action="reschedule", from_state="confirmed", to_state="pending"
    ).order_by("-at", "-pk")
    booking_model.objects.filter(
        pk__in=event_model.objects.filter(
            action="reschedule", from_state="confirmed", to_state="pending"
        ).values("booking_id")
    ).update(pending_since=Subquery(sent_back.values("at")[:1]))


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_role_permissions")]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="pending_since",
            field=models.DateTimeField(null=True, verbose_name="pending since"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
