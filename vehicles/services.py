"""vehicles services (filled in by the vehicles feature)."""
