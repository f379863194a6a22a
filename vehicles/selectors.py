"""vehicles selectors (filled in by the vehicles feature)."""
