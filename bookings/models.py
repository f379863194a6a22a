"""bookings models (filled in by the bookings feature)."""
