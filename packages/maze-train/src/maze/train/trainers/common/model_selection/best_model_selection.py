"""Keep the best model seen so far (dumped atomically) and count epochs without improvement."""

from __future__ import annotations

import logging
import math
from typing import Any

from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase
from maze.train.trainers.common.run_dir import atomic_torch_save

logger = logging.getLogger(__name__)

__all__ = ["BestModelSelection", "atomic_torch_save"]


class BestModelSelection(ModelSelectionBase):
    """Best-model selection: dumps the model's state dict whenever the evaluation result improves.

    :param dump_file: where to dump the best state dict (``state_dict.pt``); None: keep nothing on disk.
    :param model: the model whose ``state_dict()`` is dumped (``{"policy": ..., "critic": ...}`` layout).
    :param dump_interval: additionally dump every ``dump_interval`` updates regardless of improvement (None: never).
    :param verbose: log ``-> new overall best model <value>!`` right away on improvement (trainers print it
        themselves after the epoch's statistics table, see :meth:`take_improvement`).
    """

    def __init__(self, dump_file: str | None, model: Any, dump_interval: int | None = None, verbose: bool = False) -> None:
        self.dump_file = dump_file
        self.model = model
        self.dump_interval = dump_interval
        self.verbose = verbose
        self.best_reward = -math.inf
        self.last_improvement = 0
        self.n_updates = 0
        self._new_best: float | None = None

    def update(self, reward: float) -> None:
        """Register an evaluation result; dump the model if it is a new best."""
        self.n_updates += 1
        reward = float(reward)
        if math.isfinite(reward) and reward > self.best_reward:
            self.best_reward = reward
            self.last_improvement = 0
            self._new_best = reward
            if self.verbose:
                logger.info("-> new overall best model %.5g!", reward)
            self.dump()
        else:
            self.last_improvement += 1
            if self.dump_interval and self.n_updates % self.dump_interval == 0:
                self.dump()

    def take_improvement(self) -> float | None:
        """The new best result if there was one since the last call (else ``None``)."""
        new_best, self._new_best = self._new_best, None
        return new_best

    def dump(self) -> None:
        """Write the model's state dict to ``dump_file`` (atomically)."""
        if self.dump_file and self.model is not None:
            atomic_torch_save(self.model.state_dict(), self.dump_file)

    def state_dict(self) -> dict[str, Any]:
        return {"best_reward": self.best_reward, "last_improvement": self.last_improvement, "n_updates": self.n_updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_reward = float(state.get("best_reward", -math.inf))
        self.last_improvement = int(state.get("last_improvement", 0))
        self.n_updates = int(state.get("n_updates", 0))
