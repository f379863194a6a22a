"""bookings public (filled in by the bookings feature)."""
