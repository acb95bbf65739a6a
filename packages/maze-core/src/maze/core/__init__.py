"""Maze core: environment interfaces, events, statistics, wrappers, rollouts and the ``maze-run`` CLI.

This package is torch-free. ``maze`` itself is a PEP 420 namespace package shared by all Maze
distributions, so there is deliberately no ``maze/__init__.py``.
"""

__version__ = "0.1.0"
