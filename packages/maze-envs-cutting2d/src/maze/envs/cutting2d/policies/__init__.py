"""Heuristic policies for the Cutting-2D envs."""
