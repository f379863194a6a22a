"""pricing selectors (filled in by the pricing feature)."""
