"""pending_since is always known once backfilled (0004); the expiry job reads it through its own
index. A separate migration: PostgreSQL refuses to alter a table in the transaction that just
updated its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_booking_pending_since")]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="pending_since",
            field=models.DateTimeField(
                help_text=(
                    "When the booking last became pending (its creation, or a customer's "
                    "reschedule that sent it back): its confirmation window runs from here."
                ),
                verbose_name="pending since",
            ),
        ),
        migrations.RemoveIndex(model_name="booking", name="bookings_pending_created_idx"),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["pending_since"],
                name="bookings_pending_since_idx",
            ),
        ),
    ]
