"""Trajectory writers and their registry."""
