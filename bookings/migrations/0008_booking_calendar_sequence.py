"""The booking's calendar event gets a SEQUENCE that goes up with each revision a calendar must
take. Existing bookings start from the revisions their history holds (confirmations,
reschedules, cancellations, expiries), so that the next event sent supersedes any sent before
(those all had SEQUENCE 0)."""

from typing import Any

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

REVISIONS = ("confirm", "reschedule", "cancel", "expire")


def backfill(apps: Any, schema_editor: Any) -> None:
    booking_model = apps.get_model("bookings", "Booking")
    event_model = apps.get_model("bookings", "BookingEvent")
    revisions = (
        event_model.objects.filter(booking=OuterRef("pk"), action__in=REVISIONS)
        .order_by()
        .values("booking")
        .annotate(n=Count("pk"))
        .values("n")
    )
    booking_model.objects.update(
        calendar_sequence=Coalesce(Subquery(revisions, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0007_held_resource_index")]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="calendar_sequence",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text=(
                    "The SEQUENCE of the booking's calendar event: up by one on each "
                    "confirmation, reschedule, cancellation or expiry, so that calendars take "
                    "the change."
                ),
                verbose_name="calendar revision",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
