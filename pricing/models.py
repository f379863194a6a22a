"""pricing models (filled in by the pricing feature)."""
