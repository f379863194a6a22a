"""scheduling services (filled in by the scheduling feature)."""
