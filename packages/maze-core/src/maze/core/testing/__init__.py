"""Conformance suites that plugin packages subclass in their own tests (as Hydra ships launcher test suites)."""

from maze.core.testing.env_conformance import MazeEnvConformance
from maze.core.testing.plugin_checks import assert_plugin_entry_point

__all__ = ["MazeEnvConformance", "assert_plugin_entry_point"]
