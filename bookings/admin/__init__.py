"""The bookings back-office, one package (docs/adr/0009-bookings-back-office-package.md).

Its modules, top to bottom (each imports only those below it; .importlinter checks it):
- `booking`: the ModelAdmin, registered here; its pages registered through `get_urls`.
- `closures`: "Close time", a closure with the bookings it hits (issue 17); `desk`: the booking
  desk, phone and walk-in bookings (issue 17).
- `planning`, `dashboard`, `reports`, `desk_choices`: the planning board's page, the admin
  index's dashboard, the reports; the booking desk's forms, choices, quote and free starts.
- `reschedule`, `fees`: the reschedule page, the fee waiver.
- `transitions`: the transition buttons, views and bulk actions.
- `board`: the planning board's layout, a pure presenter (no request, no query).
- `permissions`: who may do what here, decided once.
- `presentation`: state colours and labels, badges, site-clock times, the pages' URLs."""

from bookings.admin.booking import BookingAdmin

__all__ = ["BookingAdmin"]
