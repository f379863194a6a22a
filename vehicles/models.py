"""vehicles models (filled in by the vehicles feature)."""
