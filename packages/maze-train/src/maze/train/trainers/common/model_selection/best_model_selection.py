"""Keep the best model seen so far (dumped atomically) and count epochs without improvement."""

from __future__ import annotations

import math
import os
from typing import Any

import torch

from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase


def atomic_torch_save(obj: Any, path: str) -> None:
    """``torch.save`` to a temp file next to ``path``, then ``os.replace`` (readers never see a partial file)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


class BestModelSelection(ModelSelectionBase):
    """Best-model selection: dumps the model's state dict whenever the evaluation result improves.

    :param dump_file: where to dump the best state dict (``state_dict.pt``); None: keep nothing on disk.
    :param model: the model whose ``state_dict()`` is dumped (a TorchModel).
    :param dump_interval: additionally dump every ``dump_interval`` updates regardless of improvement (None: never).
    :param verbose: print ``-> new overall best model <value>!`` on improvement.
    """

    def __init__(self, dump_file: str | None, model: Any, dump_interval: int | None = None, verbose: bool = True) -> None:
        self.dump_file = dump_file
        self.model = model
        self.dump_interval = dump_interval
        self.verbose = verbose
        self.best_reward = -math.inf
        self.last_improvement = 0
        self.n_updates = 0

    def update(self, reward: float) -> None:
        """Register an evaluation result; dump the model if it is a new best."""
        self.n_updates += 1
        reward = float(reward)
        if math.isfinite(reward) and reward > self.best_reward:
            self.best_reward = reward
            self.last_improvement = 0
            if self.verbose:
                print(f"-> new overall best model {reward:.5f}!", flush=True)
            self.dump()
        else:
            self.last_improvement += 1
            if self.dump_interval and self.n_updates % self.dump_interval == 0:
                self.dump()

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
