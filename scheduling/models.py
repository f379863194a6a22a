"""scheduling models (filled in by the scheduling feature)."""
