"""maze-core's Hydra configs (package data, on the search path as pkg://maze.core.conf)."""
