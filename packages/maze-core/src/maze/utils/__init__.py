"""Small helpers for scripts, notebooks and tests (part of maze-core; no torch).

* :func:`setup_logging`, :class:`SimpleStatsLoggingSetup` (:mod:`.log_stats_utils`) -- statistics to the console
  and TensorBoard from plain Python scripts;
* :func:`clear_global_state` (:mod:`.global_state`) -- reset seeds and the global statistics state between tests;
* :class:`Timeout` (:mod:`.timeout`) -- raise ``TimeoutError`` when a block runs too long;
* :func:`tensorboard_to_pandas`, :func:`read_tensorboard_scalars` (:mod:`.tensorboard_reader`) -- read the
  scalars of TensorBoard event files back;
* :class:`BColors` (:mod:`.bcolors`) -- coloured console output.

``maze.utils`` is a regular package inside the ``maze`` namespace, shipped by maze-core.
"""

from maze.utils.bcolors import BColors
from maze.utils.global_state import clear_global_state
from maze.utils.log_stats_utils import SimpleStatsLoggingSetup, setup_logging
from maze.utils.tensorboard_reader import read_tensorboard_scalars, tensorboard_to_pandas
from maze.utils.timeout import Timeout

__all__ = ["BColors", "SimpleStatsLoggingSetup", "Timeout", "clear_global_state", "read_tensorboard_scalars",
           "setup_logging", "tensorboard_to_pandas"]
