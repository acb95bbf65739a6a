"""Reset process-wide state between tests or experiments run in one process."""

from __future__ import annotations

from maze.core.log_stats.log_stats import GlobalLogState
from maze.core.utils.seeding import set_seeds_globally


def clear_global_state(seed: int = 1234) -> None:
    """Reset the seeds and the global state so that consecutive tests run under the same preconditions.

    Closes and forgets every registered statistics writer, restarts the global log step at 1 and seeds Python's
    ``random``, NumPy's global RNG and torch (when installed) with ``seed``.

    :param seed: the seed for the global random number generators.
    """
    for writer in list(GlobalLogState.global_log_stats_writers):
        writer.close()
    GlobalLogState.reset()
    set_seeds_globally(seed)
