"""pricing public (filled in by the pricing feature)."""
