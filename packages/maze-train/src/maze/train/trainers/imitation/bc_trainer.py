"""Behavioural cloning (supervised imitation of recorded actions; see Hussein et al. 2017 for a survey)."""

from __future__ import annotations

import math
import time
from typing import Any

import torch

from maze.train.agent.torch_policy import TorchPolicy
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.trainer import ProgressBar, StatsWriter, Trainer
from maze.train.trainers.imitation.bc_algorithm_config import BCAlgorithmConfig
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss
from maze.train.utils.train_utils import compute_l2_norm


class PolicyStateDictModel:
    """Adapter so that model selection dumps ``{"policy": policy.state_dict()}`` (the format RL runners load)."""

    def __init__(self, policy: TorchPolicy) -> None:
        self.policy = policy

    def state_dict(self) -> dict[str, Any]:
        return {"policy": self.policy.state_dict()}


class BCTrainer(Trainer):
    """Trains all sub-step policies simultaneously on recorded (observation, action) pairs.

    :param algorithm_config: BC parameters.
    :param data: stacked training data.
    :param policy: the policy to train.
    :param loss: the BC loss.
    :param evaluator: evaluator run after every epoch (and every ``eval_every_k_iterations``).
    :param model_selection: the selection used for early stopping (the evaluator's, usually).
    :param stats_writers: callables receiving ``(epoch, flat_stats)``.
    :param seed: torch seed (shuffling).
    """

    def __init__(self, algorithm_config: BCAlgorithmConfig, data: StackedImitationData, policy: TorchPolicy,
                 loss: BCLoss, evaluator: Evaluator | None = None, model_selection: BestModelSelection | None = None,
                 stats_writers: list[StatsWriter] | None = None, seed: int | None = None) -> None:
        from maze.core.utils.factory import Factory

        self.algorithm_config = algorithm_config
        self.data = data
        self.policy = policy
        self.loss = loss
        self.evaluator = evaluator
        self.model_selection = model_selection
        self.stats_writers = list(stats_writers or [])
        optimizer_cfg = dict(algorithm_config.optimizer)
        self.optimizer = Factory(torch.optim.Optimizer).instantiate(optimizer_cfg, params=policy.parameters())
        self.epoch = 0
        self.iteration = 0
        self.generator = torch.Generator().manual_seed(int(seed) if seed is not None else 0)

    def state_dict(self) -> dict[str, Any]:
        state = {"model": {"policy": self.policy.state_dict()}, "optimizer": self.optimizer.state_dict(),
                 "epoch": self.epoch, "iteration": self.iteration, "trainer_kind": "bc"}
        if self.model_selection is not None:
            state["model_selection"] = self.model_selection.state_dict()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        model = state_dict.get("model", state_dict)
        self.policy.load_state_dict(model["policy"])
        if "optimizer" in state_dict:
            self.optimizer.load_state_dict(state_dict["optimizer"])
            self.epoch = int(state_dict.get("epoch", 0))
            self.iteration = int(state_dict.get("iteration", 0))
        if self.model_selection is not None and "model_selection" in state_dict:
            self.model_selection.load_state_dict(state_dict["model_selection"])

    def train(self, n_epochs: int | None = None) -> dict[str, float]:
        """Train until epoch ``n_epochs`` (default: the config's); returns the last epoch's statistics."""
        cfg = self.algorithm_config
        end = cfg.n_epochs if n_epochs is None else self.epoch + int(n_epochs)
        self.policy.train()
        stats, _ = self._run_epochs(end, self.train_epoch, self._early_stop,
                                    f"no improvement for {cfg.patience} evaluations")
        return stats

    def _early_stop(self) -> bool:
        patience = self.algorithm_config.patience
        selection = self.model_selection
        return bool(patience) and selection is not None and selection.last_improvement >= patience

    def train_epoch(self) -> dict[str, float]:
        cfg = self.algorithm_config
        epoch = self.epoch
        t0 = time.perf_counter()
        sums: dict[str, float] = {}
        n_batches = 0
        n_total = math.ceil(len(self.data) / cfg.batch_size)
        bar = ProgressBar(n_total, f"epoch {epoch}", self.progress_bar)
        stats: dict[str, float] = {}
        for obs, act in self.data.batches(cfg.batch_size, generator=self.generator):
            metrics: dict[str, float] = {}
            loss = self.loss.calculate_loss(self.policy, obs, act, metrics)
            metrics["policy_grad_norm/0"] = self._optimizer_step(self.optimizer, loss, self.policy.parameters())
            for k, v in metrics.items():
                sums[k] = sums.get(k, 0.0) + v
            n_batches += 1
            self.iteration += 1
            bar.update(n_batches)
            if cfg.eval_every_k_iterations and self.iteration % cfg.eval_every_k_iterations == 0 and self.evaluator:
                self.evaluator.evaluate(self.policy)
        stats = {f"train_ImitationEvents/{k}": v / max(n_batches, 1) for k, v in sums.items()}
        stats["train_ImitationEvents/policy_l2_norm/0"] = compute_l2_norm(self.policy.parameters())
        stats["train_ImitationEvents/time_epoch"] = time.perf_counter() - t0
        if self.evaluator is not None:
            stats.update(self.evaluator.evaluate(self.policy))
        return self._finish_epoch(epoch, stats)
