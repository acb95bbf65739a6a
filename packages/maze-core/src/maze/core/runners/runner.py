"""Runner base class."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Any


class Runner(ABC):
    """Runs a job (rollout, training...) for a composed config.

    ``maze-run`` instantiates the ``runner`` config, calls :meth:`validate` and :meth:`setup` with the whole
    composed config, then :meth:`run`. Runners write their outputs to :attr:`output_dir` (Hydra's run dir).
    """

    output_dir: str = "."

    def validate(self, cfg: Any) -> None:
        """Check the composed config before anything is built or printed at length; raise
        :class:`~maze.core.utils.factory.ConfigError` naming the key, the value and what is expected.

        Called by ``maze-run`` right after the runner was created (the runner's own options were checked by its
        constructor). The default checks nothing.
        """

    def setup(self, cfg: Any) -> None:
        """Receive the composed config and prepare the run."""
        self.cfg = cfg
        self.output_dir = current_output_dir()

    @abstractmethod
    def run(self) -> Any:
        """Run the job."""


def current_output_dir() -> str:
    """Hydra's output dir of the current run, or the working directory outside Hydra."""
    try:
        from hydra.core.hydra_config import HydraConfig

        if HydraConfig.initialized():
            return HydraConfig.get().runtime.output_dir
    except Exception:  # noqa: BLE001 - outside a Hydra app
        pass
    return os.getcwd()
