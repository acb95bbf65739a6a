"""Joint perception blocks combining several blocks."""
