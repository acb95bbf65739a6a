"""Maze train: torch policies and critics, trainers, training runners and vector envs."""
