"""Cutting-2D Hydra configs."""
