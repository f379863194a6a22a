"""bookings selectors (filled in by the bookings feature)."""
