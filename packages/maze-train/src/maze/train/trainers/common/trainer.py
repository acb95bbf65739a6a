"""Trainer interface and the pieces every trainer shares: checkpoints, stats writers, hooks, progress."""

from __future__ import annotations

import math
import os
import sys
import time
from abc import ABC, abstractmethod
from typing import Any, BinaryIO, Callable

import torch

from maze.train.trainers.common.model_selection.best_model_selection import atomic_torch_save

#: A stats writer receives ``(epoch, flat_stats)``; flat keys look like ``train_BaseEnvEvents/reward/mean``.
StatsWriter = Callable[[int, dict[str, Any]], None]


class TrainingDivergedError(RuntimeError):
    """A loss became NaN/inf; training stopped before the optimizer step (the last checkpoint is intact)."""


class ProgressBar:
    """A minimal progress bar on stderr (no tqdm dependency), throttled to a few redraws per second.

    :param total: number of work items.
    :param label: text in front of the bar.
    :param enabled: draw at all (default: only when stderr is a terminal).
    """

    def __init__(self, total: int, label: str, enabled: bool | None = None) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else bool(enabled)
        self._last_draw = 0.0
        self._start = time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < self.total and now - self._last_draw < 0.2:
            return
        self._last_draw = now
        width = 30
        filled = int(width * done / self.total)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
                         f"{now - self._start:6.1f}s")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


class Trainer(ABC):
    """Interface of trainers.

    Subclasses implement :meth:`train`, :meth:`state_dict` and :meth:`load_state_dict`; checkpoints are written
    atomically and read with ``torch.load(..., weights_only=True)``.
    """

    #: callables receiving ``(epoch, stats)`` once per epoch (console tables, TensorBoard, tests)
    stats_writers: list[StatsWriter]
    #: the run config handed to the lifecycle hooks (set by training runners)
    run_config: Any = None
    #: write ``checkpoint.pt`` here after every epoch (None: no checkpoints)
    checkpoint_file: str | None = None
    #: draw progress bars (None: when stderr is a terminal)
    progress_bar: bool | None = None

    @abstractmethod
    def train(self, n_epochs: int | None = None) -> Any:
        """Run the training."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]:
        """Model, optimizer and counters (everything needed to resume)."""

    @abstractmethod
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output."""

    def load_state(self, file_path: str | BinaryIO) -> None:
        """Load a checkpoint written by :meth:`save_checkpoint` (``weights_only=True``)."""
        state = torch.load(file_path, map_location="cpu", weights_only=True)
        self.load_state_dict(state)

    def save_checkpoint(self, path: str | None = None) -> None:
        """Write :meth:`state_dict` atomically (temp file + ``os.replace``)."""
        path = path or self.checkpoint_file
        if path:
            atomic_torch_save(self.state_dict(), path)

    # ------------------------------------------------------------------ helpers for subclasses
    def _write_stats(self, epoch: int, stats: dict[str, Any]) -> None:
        for writer in getattr(self, "stats_writers", []):
            writer(epoch, stats)

    def _call_hook(self, name: str, **kwargs: Any) -> None:
        """Call a lifecycle hook of the plugins (once per run/epoch, never per step)."""
        from maze.core.plugins import get_plugin_manager

        get_plugin_manager().call_lifecycle(name, trainer=self, **kwargs)

    @staticmethod
    def _check_finite(epoch: int, name: str, value: torch.Tensor) -> None:
        if not torch.isfinite(value).all():
            raise TrainingDivergedError(
                f"epoch {epoch}: the {name} is {float(value.detach().reshape(-1)[0])}; training stopped before the "
                f"optimizer step. The last checkpoint/best model on disk is from before this epoch. Try a lower lr, "
                f"gradient clipping (max_grad_norm) or reward scaling."
            )


def ensure_dir(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path


def is_finite(x: float) -> bool:
    return math.isfinite(float(x))
