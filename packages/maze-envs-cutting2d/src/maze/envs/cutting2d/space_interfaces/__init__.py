"""Observation and action conversions of the Cutting-2D envs."""
