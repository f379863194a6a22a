"""The assignment reads the time booked on a site's resources over one local day, done with or
not (completed and no-show bookings count as booked minutes): an index for that read."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bookings", "0006_vehicle_no_overlap_on_postgresql")]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(
                    ("state__in", ["completed", "confirmed", "in_progress", "no_show", "pending"])
                ),
                fields=["resource", "start", "blocked_until"],
                name="bookings_held_resource_idx",
            ),
        ),
    ]
