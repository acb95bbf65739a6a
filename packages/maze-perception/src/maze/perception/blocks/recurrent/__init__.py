"""Recurrent perception blocks."""
