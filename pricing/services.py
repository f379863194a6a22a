"""pricing services (filled in by the pricing feature)."""
