"""Progress of ``maze-run -m`` sweeps (Hydra multirun): one log line per run started and finished, with the
sweep's position, elapsed time and ETA.

Each run of a sweep shows its own progress (epochs, episodes) as usual; :class:`SweepProgress` adds the sweep level
in between, as log lines (a second bar would fight the runs' bars for the terminal)::

    sweep of 4 runs (BasicSweeper) into outputs/multirun/2026-12-01_10-00-00
    sweep run 1/4 started: algorithm.lr=0.001 seeding.env_base_seed=1
    sweep run 1/4 finished in 0:00:12 | sweep run 1/4 | 0.0813 sweep runs/s | ETA 0:00:37
    ...
    sweep finished: 4 runs (4 completed, 0 failed) in 0:00:49 into outputs/multirun/2026-12-01_10-00-00

The root configs register it as a Hydra callback (``hydra.callbacks.maze_sweep_progress``); single runs are not
affected. The number of runs is known for Hydra's basic sweeper (the product of the sweep overrides' lengths);
other sweepers (e.g. Optuna) show positions without a total.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from hydra.experimental.callback import Callback

from maze.core.utils.progress import Progress, format_duration

logger = logging.getLogger(__name__)

_BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


def count_sweep_runs(task_overrides: list[str], sweeper_params: dict[str, Any] | None = None) -> int:
    """The number of runs Hydra's basic sweeper makes of these overrides: the product of the lengths of the sweep
    overrides (``a=1,2,3``, ``range(…)``, ``choice(…)``) from the command line and ``hydra.sweeper.params``.

    :raises ValueError: an override Hydra cannot parse (named).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    params = {k: str(v) for k, v in (sweeper_params or {}).items()}
    items = [f"{k}={v}" for k, v in params.items() if not any(o.split("=", 1)[0] == k for o in task_overrides)]
    parser = OverridesParser.create()
    total = 1
    for text in [*task_overrides, *items]:
        try:
            (override,) = parser.parse_overrides([text])
        except HydraException as exc:
            raise ValueError(f"cannot parse the sweep override {text!r}: {exc}") from exc
        if override.is_sweep_override():
            total *= sum(1 for _ in override.sweep_string_iterator())
    return total


class SweepProgress(Callback):
    """Hydra callback: the sweep's progress as log lines (see the module docstring)."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.progress: Progress | None = None
        self.sweep_dir = ""
        self.started = 0.0
        self.job_started: dict[int, float] = {}
        self.completed = 0
        self.failed = 0

    def _label(self, num: int) -> str:
        return f"sweep run {num + 1}/{self.total}" if self.total else f"sweep run {num + 1}"

    def on_multirun_start(self, config: Any, **kwargs: Any) -> None:
        hydra_cfg = config.hydra
        sweeper = str(hydra_cfg.sweeper.get("_target_", ""))
        try:
            if sweeper == _BASIC_SWEEPER:
                params = hydra_cfg.sweeper.get("params") or {}
                self.total = count_sweep_runs(list(hydra_cfg.overrides.task), dict(params))
        except ValueError as exc:  # Hydra reports the bad override itself
            logger.debug("sweep size unknown: %s", exc)
        self.sweep_dir = str(hydra_cfg.sweep.dir)
        self.started = time.monotonic()
        # log mode only: the sweep's lines are written by on_job_end, never by the timer
        self.progress = Progress(self.total, unit="sweep run", bar=False, log_interval_s=math.inf, log=logger)
        size = f"{self.total} runs" if self.total else "runs"
        logger.info("sweep of %s (%s) into %s", size, sweeper.rsplit(".", 1)[-1] or "sweeper", self.sweep_dir)

    def on_job_start(self, config: Any, **kwargs: Any) -> None:
        if self.progress is None:  # a single run
            return
        num = int(config.hydra.job.num)
        self.job_started[num] = time.monotonic()
        overrides = " ".join(config.hydra.overrides.task) or "(no overrides)"
        logger.info("%s started: %s", self._label(num), overrides)

    def on_job_end(self, config: Any, job_return: Any, **kwargs: Any) -> None:
        if self.progress is None:
            return
        from hydra.core.utils import JobStatus

        num = int(config.hydra.job.num)
        seconds = time.monotonic() - self.job_started.pop(num, self.started)
        ok = getattr(job_return, "status", None) == JobStatus.COMPLETED
        self.completed += ok
        self.failed += not ok
        self.progress.update(1)
        outcome = "finished" if ok else "FAILED"
        logger.info("%s %s in %s | %s", self._label(num), outcome, format_duration(seconds), self.progress.line())

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        if self.progress is None:
            return
        runs = self.completed + self.failed
        logger.info("sweep finished: %d runs (%d completed, %d failed) in %s into %s", runs, self.completed,
                    self.failed, format_duration(time.monotonic() - self.started), self.sweep_dir)
        self.progress.close()
        self.progress = None
