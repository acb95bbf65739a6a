"""Example plugin: a corridor env and a heuristic (maze-core only) plus a perception block (maze-perception)."""
