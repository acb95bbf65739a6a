"""Evaluates a policy on held-out imitation data (validation loss and accuracy)."""

from __future__ import annotations

from typing import Any

import torch

from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss


class BCValidationEvaluator(Evaluator):
    """Validation loss/accuracy of behavioural cloning; reports ``-loss`` to the model selection.

    :param loss: the BC loss.
    :param data: validation data.
    :param model_selection: notified with the negative validation loss (higher is better).
    :param batch_size: evaluation batch size.
    """

    def __init__(self, loss: BCLoss, data: StackedImitationData, model_selection: ModelSelectionBase | None = None,
                 batch_size: int = 1000) -> None:
        self.loss = loss
        self.data = data
        self.model_selection = model_selection
        self.batch_size = int(batch_size)

    def evaluate(self, policy: Any) -> dict[str, float]:
        sums: dict[str, float] = {}
        total, n = 0.0, 0
        policy.eval()
        with torch.no_grad():
            for obs, act in self.data.batches(self.batch_size, shuffle=False):
                metrics: dict[str, float] = {}
                size = len(next(iter(next(iter(obs.values())).values())))
                total += float(self.loss.calculate_loss(policy, obs, act, metrics)) * size
                n += size
                for k, v in metrics.items():
                    sums[k] = sums.get(k, 0.0) + v * size
        policy.train()
        loss = total / max(n, 1)
        if self.model_selection is not None:
            self.model_selection.update(-loss)
        return {f"eval_ImitationEvents/{k}": v / max(n, 1) for k, v in sums.items()}
