"""vehicles admin (filled in by the vehicles feature)."""
