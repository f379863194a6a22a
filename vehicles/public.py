"""vehicles public (filled in by the vehicles feature)."""
