"""What vehicles needs to know about bookings, provided by bookings in its AppConfig.ready().

Declared here, below the services that call them, and re-exported by vehicles.public: the only
module other apps use. Until bookings provides them, they raise (core.ports): a vehicle is
never archived or deleted on a guess."""

from __future__ import annotations

from datetime import datetime

from core.ports import Port

# Whether the vehicle has a booking that is active and not over at `now`: in progress, or pending
# or confirmed and ending after `now` (a stale past one does not count).
has_active_future_booking: Port[[int, datetime], bool] = Port(
    "vehicles.has_active_future_booking",
    answers="whether a vehicle has an active booking not over at `now`",
)
# Whether the vehicle was ever booked, whatever the booking's state: it is then kept (archived).
has_any_booking: Port[[int], bool] = Port(
    "vehicles.has_any_booking", answers="whether a vehicle was ever booked"
)
