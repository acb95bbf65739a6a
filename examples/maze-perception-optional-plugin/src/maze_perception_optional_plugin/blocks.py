"""Perception blocks of this plugin; imported only where maze-perception (and torch) is installed."""

from maze.perception.blocks.feed_forward.dense import DenseBlock


class CorridorDenseBlock(DenseBlock):
    """A :class:`~maze.perception.blocks.feed_forward.dense.DenseBlock`, registered under this plugin's name."""
