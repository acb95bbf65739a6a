"""Behavioural cloning (supervised imitation of recorded actions; see Hussein et al. 2017 for a survey)."""

from __future__ import annotations

import math
import time
from typing import Any

import torch

from maze.train.agent.torch_policy import TorchPolicy
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.trainer import Trainer, TrainingRun
from maze.train.trainers.imitation.bc_algorithm_config import BCAlgorithmConfig
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss
from maze.train.trainers.imitation.imitation_events import ImitationEvents
from maze.train.utils.train_utils import compute_l2_norm


class BCTrainer(Trainer):
    """Trains all sub-step policies simultaneously on recorded (observation, action) pairs.

    :param algorithm_config: BC parameters.
    :param data: stacked training data.
    :param policy: the policy to train.
    :param loss: the BC loss.
    :param evaluator: evaluator run after every epoch (and every ``eval_every_k_iterations``).
    :param model_selection: the selection used for early stopping (default: the evaluator's).
    :param run: where statistics, checkpoints and the best model go (default: statistics only, nothing on disk).
    :param seed: seed of the batch shuffling.
    """

    trainer_kind = "bc"

    def __init__(self, algorithm_config: BCAlgorithmConfig, data: StackedImitationData, policy: TorchPolicy,
                 loss: BCLoss, evaluator: Evaluator | None = None, model_selection: BestModelSelection | None = None,
                 run: TrainingRun | None = None, seed: int | None = None) -> None:
        from maze.core.utils.factory import Factory

        super().__init__(policy, n_epochs=algorithm_config.n_epochs, patience=algorithm_config.patience,
                         evaluator=evaluator, model_selection=model_selection, run=run)
        self.algorithm_config = algorithm_config
        self.data = data
        self.loss = loss
        optimizer_cfg = dict(algorithm_config.optimizer)
        self.optimizer = Factory(torch.optim.Optimizer).instantiate(optimizer_cfg, params=policy.parameters())
        self.iteration = 0
        self.generator = torch.Generator().manual_seed(int(seed) if seed is not None else 0)
        #: statistics of the training section (``train_ImitationEvents``)
        self.events = self.stats.topic("train", ImitationEvents)

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state.update(optimizer=self.optimizer.state_dict(), iteration=self.iteration)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        if "optimizer" in state_dict:
            self.optimizer.load_state_dict(state_dict["optimizer"])
            self.iteration = int(state_dict.get("iteration", 0))

    def train_epoch(self) -> None:
        cfg = self.algorithm_config
        t0 = time.perf_counter()
        n_batches = 0
        n_total = math.ceil(len(self.data) / cfg.batch_size)
        events = self.events
        for obs, act in self.data.batches(cfg.batch_size, generator=self.generator):
            loss = self.loss.calculate_loss(self.policy, obs, act, events)
            events.policy_grad_norm(step_id="0", value=self._optimizer_step(self.optimizer, loss, self.policy.parameters()))
            n_batches += 1
            self.iteration += 1
            self.report_epoch_progress(n_batches, n_total)
            if cfg.eval_every_k_iterations and self.iteration % cfg.eval_every_k_iterations == 0 and self.evaluator:
                self.evaluator.evaluate(self.policy)
        events.policy_l2_norm(step_id="0", value=compute_l2_norm(self.policy.parameters()))
        events.time_epoch(value=time.perf_counter() - t0)
