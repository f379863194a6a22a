from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        # Bookings is the top app: it plugs what the lower apps declared they need.
        from accounts import public as accounts
        from bookings import consumers, events, selectors
        from core import dispatch
        from scheduling import public as scheduling
        from vehicles import public as vehicles

        scheduling.busy_intervals.provide(selectors.busy_intervals)
        scheduling.busy_seconds.provide(selectors.busy_seconds)
        scheduling.held_intervals.provide(selectors.held_intervals)
        scheduling.booked_intervals.provide(selectors.booked_intervals)
        scheduling.active_bookings_hit.provide(selectors.active_bookings_hit)
        vehicles.has_active_future_booking.provide(selectors.vehicle_has_active_future_booking)
        vehicles.has_any_booking.provide(selectors.vehicle_has_any_booking)
        dispatch.register_public_event_types(events.PUBLIC_TYPES)
        dispatch.register_consumer(consumers.EMAILS)
        accounts.personal_data_requested.connect(
            _bookings_section, dispatch_uid="bookings.personal_data"
        )
        accounts.personal_data_requested.connect(
            _events_section, dispatch_uid="bookings.personal_data_events"
        )
        accounts.account_erased.connect(_erase_customer, dispatch_uid="bookings.account_erased")


def _bookings_section(sender: object, user_id: int, **kwargs: object) -> tuple[str, object]:
    from bookings import selectors

    return "bookings", selectors.personal_bookings_data(user_id)


def _events_section(sender: object, user_id: int, **kwargs: object) -> tuple[str, object]:
    """The events about the user's bookings and where webhooks delivered them."""
    from bookings import selectors

    return "booking_events", selectors.personal_booking_events_data(user_id)


def _erase_customer(sender: object, user_id: int, **kwargs: object) -> None:
    from bookings.services.erasure import bookings_erase_customer

    bookings_erase_customer(customer_id=user_id)
