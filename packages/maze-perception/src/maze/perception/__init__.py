"""Maze perception: torch perception blocks, inference graphs and model composers."""
