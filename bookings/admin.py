"""bookings admin (filled in by the bookings feature)."""
