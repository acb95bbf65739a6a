"""The trainer contract: what every algorithm (A2C, PPO, BC, and third-party ones) implements.

A :class:`Trainer` owns the policy it trains and runs the epoch loop of :meth:`Trainer.train`::

    for each epoch:   train_epoch()                 # the algorithm: collect/compute/update, record statistics
                      evaluate()                    # the evaluator (if any) → eval statistics + model selection
                      statistics → writers          # console table, TensorBoard, plugin writers
                      observation pictures          # first training env's ObservationVisualizationWrapper, if any
                      checkpoint.pt                 # state_dict() of the trainer (resume)
                      maze_train_epoch_end hook     # plugins (typed context and statistics)
                      early stopping                # no improvement for ``patience`` epochs

Subclasses implement :meth:`Trainer.train_epoch` and extend :meth:`Trainer.state_dict` /
:meth:`Trainer.load_state_dict`. They record statistics through event topics of :attr:`Trainer.stats`
(``self.stats.topic("train", MyEvents).loss(value=...)``), never as strings.

Where the run's outputs go is one object, :class:`TrainingRun` (run dir, statistics writers, config, env factory),
given to the constructor; plain-Python use without a run dir works with the default (nothing written to disk).
"""

from __future__ import annotations

import gc
import logging
import math
import numbers
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable

import torch

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.epoch_stats import EpochStats, EpochStatsLog
from maze.core.utils.progress import Progress
from maze.core.wrappers.observation_visualization_wrapper import ObservationVisualizationWrapper
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.run_dir import ModelState, RunDir, load_torch_file
from maze.train.utils.adam import Optimizer
from maze.train.utils.train_utils import clip_grad_norm

if TYPE_CHECKING:
    from maze.train.parallelization.vector_env.vector_env import VectorEnv

logger = logging.getLogger(__name__)


class TrainingDivergedError(RuntimeError):
    """A loss became NaN/inf; training stopped before the optimizer step (the last checkpoint is intact)."""


@dataclass(frozen=True)
class TrainingContext:
    """What the training lifecycle hooks (``maze_train_start``/``maze_train_epoch_end``/``maze_train_end``) receive.

    :param algorithm: the algorithm's registered name (or the trainer class name outside ``maze-run``).
    :param policy: the policy being trained (a :class:`~maze.train.agent.torch_policy.TorchPolicy`).
    :param critic: the critic being trained, if the algorithm has one.
    :param env_factory: creates a (wrapped) training env; ``None`` outside a training runner.
    :param run_dir: the run's output directory; ``None`` when nothing is written to disk.
    :param config: the composed run config (``None`` outside ``maze-run``).
    """

    algorithm: str
    policy: Any
    critic: Any = None
    env_factory: Callable[[], Any] | None = None
    run_dir: str | None = None
    config: Any = None


@dataclass
class TrainingRun:
    """Where a trainer's outputs go and what it needs to know about the run it is part of.

    :param run_dir: best model and checkpoint files (``None``: nothing is written to disk).
    :param stats: epoch statistics and their writers (default: statistics are computed but not written).
    :param algorithm: the algorithm's registered name (hooks, logs).
    :param config: the composed run config (handed to the lifecycle hooks).
    :param env_factory: the run's env factory (handed to the lifecycle hooks).
    :param progress_bar: show the training progress as a bar on stderr (``None``: when stderr is a terminal;
        ``False``: as a periodic progress log line, as in non-interactive runs).
    :param call_hooks: call the plugins' training lifecycle hooks.
    :param observation_images: the training envs carry an ``ObservationVisualizationWrapper``: after each epoch's
        statistics, the trainer writes the pictures of its first training env (:meth:`Trainer.training_env`) to the
        statistics writers (TensorBoard IMAGES). The training runner sets it from its probe env.
    """

    run_dir: RunDir | None = None
    stats: EpochStatsLog = field(default_factory=EpochStatsLog)
    algorithm: str | None = None
    config: Any = None
    env_factory: Callable[[], Any] | None = None
    progress_bar: bool | None = None
    call_hooks: bool = True
    observation_images: bool = False


class Trainer(ABC):
    """Base class of all trainers.

    :param policy: the policy to train (exposed as :attr:`policy`).
    :param n_epochs: number of epochs :meth:`train` runs (0: until early stopping).
    :param patience: stop after this many evaluations without a new best result (0: never stop early).
    :param evaluator: runs after every epoch; its model selection decides the best model.
    :param model_selection: best-model selection (the evaluator's, or one fed by the trainer itself).
    :param run: the run the trainer is part of (files, statistics, hooks); default: nothing written.
    """

    #: checkpoints of the same kind can be resumed by each other (e.g. PPO and A2C share ``actor_critic``)
    trainer_kind: str = ""

    def __init__(self, policy: Any, n_epochs: int = 0, patience: int = 0, evaluator: Evaluator | None = None,
                 model_selection: BestModelSelection | None = None, run: TrainingRun | None = None) -> None:
        self.policy = policy
        self.n_epochs = int(n_epochs)
        self.patience = int(patience)
        self.evaluator = evaluator
        self.model_selection = model_selection if model_selection is not None else getattr(
            evaluator, "model_selection", None)
        self.run = run if run is not None else TrainingRun()
        #: epoch statistics of this trainer's run (record with ``self.stats.topic(prefix, Events)``)
        self.stats: EpochStatsLog = self.run.stats
        #: number of finished epochs
        self.epoch = 0
        self.stopped_early = False
        self._progress: Progress | None = None  # the epoch progress while train() runs
        if not self.trainer_kind:
            self.trainer_kind = type(self).__qualname__

    # ------------------------------------------------------------------ what subclasses implement
    @abstractmethod
    def train_epoch(self) -> None:
        """Train one epoch and record its statistics into :attr:`stats` (the base class evaluates, writes, saves)."""

    @property
    def critic(self) -> Any:
        """The critic being trained (``None`` for policy-only algorithms)."""
        return None

    @property
    def env_steps(self) -> int | None:
        """Total env steps the trainer has collected so far (resumed runs included), or ``None`` for algorithms that
        do not step envs (BC). When not ``None``, the statistics are also written against it (TensorBoard: the
        ``env_steps/`` sub-run) and the progress shows env steps/s. Trainers that step envs override it."""
        return None

    def training_env(self) -> VectorEnv | None:
        """The vector env the trainer collects its training experience from; ``None`` (the default) for algorithms that
        learn from recorded data (BC). Trainers that step envs override it (A2C/PPO: their ``env``).

        When the run's envs carry an ``ObservationVisualizationWrapper`` (:attr:`TrainingRun.observation_images`), the
        base class asks this env for the wrapper's pictures once per epoch, after the epoch's statistics, and writes
        them at the epoch's log step (TensorBoard IMAGES, tags ``observation_visualization/<step_key>/<name>``). Only
        the first env's pictures are written (the other envs keep their latest ``max_samples`` observations only).
        """
        return None

    def model_state_dict(self) -> dict[str, Any]:
        """The best-model file content (``state_dict.pt`` layout): ``{"policy": ..., "critic": ...}``."""
        return ModelState(self.policy, self.critic).state_dict()

    def load_model_state_dict(self, state: dict[str, Any]) -> None:
        """Load a ``state_dict.pt``-layout dict (a critic entry is optional: fine-tuning a BC policy)."""
        if "policy" not in state:
            raise ValueError(f"state dict has no 'policy' entry (keys: {sorted(state)})")
        self.policy.load_state_dict(state["policy"])
        if self.critic is not None and "critic" in state:
            self.critic.load_state_dict(state["critic"])

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: model, epoch counter, model selection (subclasses add optimizer state)."""
        state: dict[str, Any] = {"trainer_kind": self.trainer_kind, "epoch": self.epoch,
                                 "model": self.model_state_dict()}
        if self.model_selection is not None:
            state["model_selection"] = self.model_selection.state_dict()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output, or a bare best-model dict (fine-tuning: weights only)."""
        if "model" not in state_dict:
            self.load_model_state_dict(state_dict)
            return
        self.load_model_state_dict(state_dict["model"])
        self.epoch = int(state_dict.get("epoch", 0))
        if self.model_selection is not None and "model_selection" in state_dict:
            self.model_selection.load_state_dict(state_dict["model_selection"])

    def load_state(self, file_path: str | BinaryIO) -> None:
        """Load a checkpoint or best-model file (``weights_only=True``)."""
        if isinstance(file_path, str):
            self.load_state_dict(load_torch_file(file_path))
        else:
            self.load_state_dict(torch.load(file_path, map_location="cpu", weights_only=True))

    # ------------------------------------------------------------------ the epoch loop
    def train(self, n_epochs: int | None = None) -> EpochStats:
        """Train until epoch :attr:`n_epochs` (a resumed trainer continues up to it) or for ``n_epochs`` more epochs
        (0: until early stopping). Returns the statistics of the last epoch."""
        if n_epochs is None:
            end_epoch = math.inf if self.n_epochs == 0 else self.n_epochs
        else:
            end_epoch = math.inf if int(n_epochs) == 0 else self.epoch + int(n_epochs)
        if end_epoch is math.inf and not (self.patience and self.model_selection is not None):
            raise ValueError(f"{type(self).__name__}: n_epochs=0 trains until early stopping, which needs patience > 0 "
                             f"and a model selection; set n_epochs or patience")
        self.policy.train()
        context = self.training_context()
        self._call_hook("maze_train_start", context=context)
        stats = EpochStats()
        env_steps = self.env_steps
        self._progress = Progress(total=None if end_epoch is math.inf else end_epoch, unit="epoch", initial=self.epoch,
                                  bar=self.run.progress_bar, rate_unit=None if env_steps is None else "env steps",
                                  initial_count=env_steps or 0, log_every_percent=10)
        # the objects that exist now (modules, models, envs: ~300k) are left out of the garbage collector's full passes
        # while training; each pass over them took ~0.1-0.3 s, every 10-15k collected steps. ``unfreeze`` hands them
        # back afterwards, so cyclic garbage among them is only collected later, never kept.
        gc.freeze()
        try:
            while self.epoch < end_epoch:
                stats = self._run_epoch()
                self._call_hook("maze_train_epoch_end", context=context, epoch=self.epoch - 1, stats=stats)
                if self._should_stop():
                    self.stopped_early = True
                    logger.info("Early stopping: no improvement for %d evaluations", self.patience)
                    break
        finally:
            gc.unfreeze()
            self._progress.close()
            self._progress = None
            self._ensure_best_model()
            self._call_hook("maze_train_end", context=context, stats=stats)
        return stats

    def report_epoch_progress(self, done: int, total: int) -> None:
        """Show progress inside the running epoch: ``done`` of ``total`` work items (updates, batches) are finished.

        Called by :meth:`train_epoch` implementations (cheap; the display is throttled); outside :meth:`train` it does
        nothing. The end of the epoch is shown by the base class, after evaluation, with the new score.
        """
        if self._progress is not None and 0 <= done < total:
            self._progress.update_to(self.epoch + done / total, count=self.env_steps)

    def _run_epoch(self) -> EpochStats:
        epoch = self.epoch
        self.train_epoch()
        eval_stats = self.evaluator.evaluate(self.policy) if self.evaluator is not None else None
        selection = self.model_selection
        new_best = selection.take_improvement() if isinstance(selection, BestModelSelection) else None
        self.epoch += 1
        stats = self.stats.reduce()
        stats.merge("eval", eval_stats)
        if self.stats.writers:
            logger.info("********** Epoch %d **********", epoch)
            self.stats.write(epoch + 1, stats, env_steps=self.env_steps)
            self._write_observation_images(epoch + 1)
        if new_best is not None:  # after the table of the epoch it belongs to
            logger.info("-> new overall best model %.5g!", new_best)
        if self._progress is not None:
            self._progress.update_to(self.epoch, count=self.env_steps, **_progress_scores(stats))
        if self.run.run_dir is not None:
            self.run.run_dir.save_checkpoint(self.state_dict())
        return stats

    def _write_observation_images(self, step: int) -> None:
        """The pictures of the first training env's ``ObservationVisualizationWrapper`` → the writers, at ``step``."""
        env = self.training_env() if self.run.observation_images else None
        if env is None or not self.stats.writes_images():
            return
        self.stats.write_images(step, env.call_env(0, ObservationVisualizationWrapper.take_observation_images.__name__))

    def _should_stop(self) -> bool:
        selection = self.model_selection
        return bool(self.patience) and selection is not None and selection.last_improvement >= self.patience

    def _ensure_best_model(self) -> None:
        """Every run dir holds a loadable best model when training ends (e.g. no evaluation ever improved)."""
        run_dir = self.run.run_dir
        if run_dir is not None and not run_dir.has_best_model() and self.epoch > 0:
            logger.warning("no evaluation produced a best model; writing the final model to %s", run_dir.state_dict_file)
            run_dir.save_best_model(self.model_state_dict())

    def evaluate(self) -> Any:
        """Run the evaluator now; returns its statistics (``LogStats`` of the ``eval`` section)."""
        if self.evaluator is None:
            raise ValueError(f"{type(self).__name__} has no evaluator")
        return self.evaluator.evaluate(self.policy)

    def training_context(self) -> TrainingContext:
        """The typed context handed to the lifecycle hooks."""
        run = self.run
        return TrainingContext(
            algorithm=run.algorithm or type(self).__name__, policy=self.policy, critic=self.critic,
            env_factory=run.env_factory, run_dir=run.run_dir.path if run.run_dir is not None else None,
            config=run.config)

    # ------------------------------------------------------------------ helpers for subclasses
    def _optimizer_step(self, optimizer: Optimizer, loss: torch.Tensor, params: Iterable[torch.Tensor],
                        max_grad_norm: float = math.inf) -> float:
        """Backward pass, NaN guard, gradient clipping and optimizer step; returns the gradient norm before clipping.

        :param optimizer: the optimizer to step.
        :param loss: scalar loss; NaN/inf raises :class:`TrainingDivergedError` before any parameter changes.
        :param params: the parameters whose gradients are clipped (those without a gradient are skipped).
        :param max_grad_norm: clip the total gradient norm to this (``<= 0`` or ``math.inf``: no clipping).
        """
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grads = [p.grad for p in params if p.grad is not None]
        grad_norm = clip_grad_norm(grads, max_grad_norm if max_grad_norm > 0 else math.inf)
        # both guards read after the backward pass: one wait for the device per step, not one before the backward
        loss_value, grad_norm_value = loss.item(), grad_norm.item()
        if not math.isfinite(loss_value):
            self._check_finite(self.epoch, "loss", loss)
        if not math.isfinite(grad_norm_value):
            self._check_finite(self.epoch, "gradient norm", grad_norm)
        optimizer.step()
        return grad_norm_value

    def _call_hook(self, name: str, **kwargs: Any) -> None:
        """Call a training lifecycle hook of the plugins (once per run/epoch, never per step)."""
        if not self.run.call_hooks:
            return
        from maze.core.plugins import get_plugin_manager

        get_plugin_manager().call_lifecycle(name, **kwargs)

    @staticmethod
    def _check_finite(epoch: int, name: str, value: torch.Tensor) -> None:
        if not torch.isfinite(value).all():
            raise TrainingDivergedError(
                f"epoch {epoch}: the {name} is {float(value.detach().reshape(-1)[0])}; training stopped before the "
                f"optimizer step. The last checkpoint/best model on disk is from before this epoch. Try a lower lr, "
                f"gradient clipping (max_grad_norm) or reward scaling."
            )


def _progress_scores(stats: EpochStats) -> dict[str, float]:
    """The scores the epoch progress shows: the mean evaluation reward, else the mean training reward."""
    for prefix, label in (("eval", "eval"), ("train", "reward")):
        try:
            value = stats.value(prefix, BaseEnvEvents.reward, "mean")
        except KeyError:
            continue
        if isinstance(value, numbers.Real):
            return {label: float(value)}
    return {}
