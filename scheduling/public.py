"""scheduling public (filled in by the scheduling feature)."""
