"""Output blocks (logits and values)."""
