"""What vehicles needs to know about bookings, provided by bookings in its AppConfig.ready().

Declared here, below the services that call them, and re-exported by vehicles.public: the only
module other apps use. Until bookings provides them, no vehicle has bookings."""

from __future__ import annotations

from datetime import datetime

from core.ports import Port

# Whether the vehicle has a booking that is active and not over at `now`: in progress, or pending
# or confirmed and ending after `now` (a stale past one does not count).
has_active_future_booking: Port[[int, datetime], bool] = Port(
    "vehicles.has_active_future_booking", default=lambda vehicle_pk, now: False
)
# Whether the vehicle was ever booked, whatever the booking's state: it is then kept (archived).
has_any_booking: Port[[int], bool] = Port(
    "vehicles.has_any_booking", default=lambda vehicle_pk: False
)
