"""scheduling admin (filled in by the scheduling feature)."""
