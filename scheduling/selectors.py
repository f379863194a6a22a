"""scheduling selectors (filled in by the scheduling feature)."""
