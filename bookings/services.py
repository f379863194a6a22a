"""bookings services (filled in by the bookings feature)."""
