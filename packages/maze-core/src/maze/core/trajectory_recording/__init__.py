"""Trajectory recording: records (state and spaces form), the safe file format, writers, datasets."""
