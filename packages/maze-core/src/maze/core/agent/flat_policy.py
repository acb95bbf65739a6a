"""The documented import path of :class:`~maze.core.agent.policy.FlatPolicy` (defined with the Policy interface)."""

from maze.core.agent.policy import FlatPolicy

__all__ = ["FlatPolicy"]
