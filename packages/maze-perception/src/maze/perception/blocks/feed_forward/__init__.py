"""Feed-forward perception blocks."""
