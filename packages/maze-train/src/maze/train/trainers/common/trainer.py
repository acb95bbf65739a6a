"""Trainer interface and the pieces every trainer shares: checkpoints, stats writers, hooks, progress."""

from __future__ import annotations

import math
import os
import sys
import time
from abc import ABC, abstractmethod
from typing import Any, BinaryIO, Callable, Iterable

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
    #: number of finished epochs (subclasses set it; advanced by :meth:`_finish_epoch`)
    epoch: int

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

    def _run_epochs(self, end_epoch: float, run_epoch: Callable[[], dict[str, Any]], should_stop: Callable[[], bool],
                    stop_message: str) -> tuple[dict[str, Any], bool]:
        """The epoch loop of :meth:`train`, between the ``maze_train_start`` and ``maze_train_end`` hooks.

        :param end_epoch: run epochs while ``self.epoch`` is below this (``math.inf``: until early stopping).
        :param run_epoch: trains one epoch (advancing ``self.epoch``) and returns its statistics.
        :param should_stop: asked after every epoch whether to stop early.
        :param stop_message: printed as ``"Early stopping: <stop_message>"`` when stopping early.
        :return: the statistics of the last epoch (empty if none ran) and whether training stopped early.
            ``maze_train_end`` is called even when an epoch raises.
        """
        self._call_hook("maze_train_start", config=self.run_config)
        stats: dict[str, Any] = {}
        stopped = False
        try:
            while self.epoch < end_epoch:
                stats = run_epoch()
                if should_stop():
                    stopped = True
                    print(f"Early stopping: {stop_message}", flush=True)
                    break
        finally:
            self._call_hook("maze_train_end", stats=stats)
        return stats, stopped

    def _finish_epoch(self, epoch: int, stats: dict[str, Any]) -> dict[str, Any]:
        """End of epoch ``epoch``: advance ``self.epoch``, write ``stats``, save a checkpoint and call the
        ``maze_train_epoch_end`` hook, in this order (the checkpoint holds the advanced counter). Returns ``stats``.
        """
        self.epoch += 1
        self._write_stats(epoch, stats)
        self.save_checkpoint()
        self._call_hook("maze_train_epoch_end", epoch=epoch, stats=stats)
        return stats

    def _optimizer_step(self, optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: Iterable[torch.Tensor],
                        max_grad_norm: float = math.inf) -> float:
        """Backward pass, NaN guard, gradient clipping and optimizer step; returns the gradient norm before clipping.

        :param optimizer: the optimizer to step.
        :param loss: scalar loss; NaN/inf raises :class:`TrainingDivergedError` before any parameter changes.
        :param params: the parameters whose gradients are clipped (those without a gradient are skipped).
        :param max_grad_norm: clip the total gradient norm to this (``<= 0`` or ``math.inf``: no clipping).
        """
        if not math.isfinite(loss.item()):
            self._check_finite(self.epoch, "loss", loss)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        params = [p for p in params if p.grad is not None]
        grad_norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm if max_grad_norm > 0 else math.inf)
        if not math.isfinite(grad_norm.item()):
            self._check_finite(self.epoch, "gradient norm", grad_norm)
        optimizer.step()
        return grad_norm.item()

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
