"""Datasets of recorded trajectories (torch-free) and trajectory processors."""
