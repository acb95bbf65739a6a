"""Maze RLlib bridge: Maze envs, models and distributions inside Ray RLlib."""
