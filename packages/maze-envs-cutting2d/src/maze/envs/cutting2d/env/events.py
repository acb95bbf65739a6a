"""Event topics of the Cutting-2D env, with the statistics computed from them at step/episode/epoch level."""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import define_episode_stats, define_epoch_stats, define_step_stats


class CuttingEvents(ABC):
    """Events of the cutting process."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def invalid_piece_selected(self):
        """The selected piece ID does not refer to a piece in inventory."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def valid_cut(self, current_demand: tuple, piece_to_cut: tuple, raw_piece_size: tuple, cutting_area: float):
        """A valid cut was performed (``cutting_area``: area of the delivered piece)."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def invalid_cut(self, current_demand: tuple, piece_to_cut: tuple, raw_piece_size: tuple):
        """The ordered piece does not fit into the selected piece (with the chosen rotation)."""


class InventoryEvents(ABC):
    """Events of the inventory management."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def piece_discarded(self, piece: tuple):
        """The inventory was full and its oldest piece ``piece`` was discarded."""

    @define_epoch_stats(np.mean, input_name="step_mean", output_name="step_mean")
    @define_epoch_stats(max, input_name="step_max", output_name="step_max")
    @define_episode_stats(np.mean, output_name="step_mean")
    @define_episode_stats(max, output_name="step_max")
    @define_step_stats(None)
    def pieces_in_inventory(self, value: int):
        """Number of pieces in inventory (reported once per step)."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def piece_replenished(self):
        """A new raw piece was added to the inventory."""
