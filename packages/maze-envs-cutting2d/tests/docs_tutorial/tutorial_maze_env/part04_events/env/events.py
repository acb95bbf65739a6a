"""Tutorial part 4: the event topics of the Cutting-2D env, with the statistics the logging system computes."""

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import define_episode_stats, define_epoch_stats, define_step_stats


class CuttingEvents(ABC):
    """Events of the cutting process."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def invalid_piece_selected(self):
        """The selected piece is not in inventory."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def valid_cut(self, current_demand: tuple[int, int], piece_to_cut: tuple[int, int],
                  raw_piece_size: tuple[int, int], cutting_area: float):
        """The order was cut out of ``piece_to_cut``."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def invalid_cut(self, current_demand: tuple[int, int], piece_to_cut: tuple[int, int],
                    raw_piece_size: tuple[int, int]):
        """The order does not fit into the selected piece as specified."""


class InventoryEvents(ABC):
    """Events of the inventory."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def piece_discarded(self, piece: tuple[int, int]):
        """The inventory was full: its oldest piece was dropped."""

    @define_epoch_stats(np.mean, input_name="step_mean", output_name="step_mean")
    @define_epoch_stats(max, input_name="step_max", output_name="step_max")
    @define_episode_stats(np.mean, output_name="step_mean")
    @define_episode_stats(max, output_name="step_max")
    @define_step_stats(None)
    def pieces_in_inventory(self, value: int):
        """The number of pieces in inventory (reported once per step)."""

    @define_epoch_stats(np.mean, output_name="mean_episode_total")
    @define_episode_stats(sum)
    @define_step_stats(len)
    def piece_replenished(self):
        """A raw piece entered the inventory."""
