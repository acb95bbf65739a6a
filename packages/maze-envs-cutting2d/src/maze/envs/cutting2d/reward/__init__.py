"""Reward aggregators of the Cutting-2D envs."""
