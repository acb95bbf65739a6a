"""Conformance suites that plugin packages subclass in their own tests (as Hydra ships launcher test suites)."""

from maze.core.testing.env_conformance import MazeEnvConformance

__all__ = ["MazeEnvConformance"]
