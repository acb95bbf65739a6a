"""The Cutting-2D environment family (online guillotine 2D cutting stock)."""
