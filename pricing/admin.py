"""pricing admin (filled in by the pricing feature)."""
