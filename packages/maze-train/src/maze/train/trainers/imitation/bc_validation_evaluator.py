"""Evaluates a policy on held-out imitation data (validation loss and accuracy)."""

from __future__ import annotations

from typing import Any

import torch

from maze.core.log_stats.log_stats import LogStats, LogStatsAggregator, LogStatsLevel
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.model_selection_base import ModelSelectionBase
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss
from maze.train.trainers.imitation.imitation_events import ImitationEvents


class BCValidationEvaluator(Evaluator):
    """Validation loss/accuracy of behavioural cloning (``eval_ImitationEvents``); reports the negative validation
    loss (sample-weighted over batches) to the model selection (higher is better).

    Statistics are means over the validation batches.

    :param loss: the BC loss.
    :param data: validation data.
    :param model_selection: notified with the negative validation loss.
    :param batch_size: evaluation batch size.
    """

    def __init__(self, loss: BCLoss, data: StackedImitationData, model_selection: ModelSelectionBase | None = None,
                 batch_size: int = 1000) -> None:
        self.loss = loss
        self.data = data
        self.model_selection = model_selection
        self.batch_size = int(batch_size)
        self.aggregator = LogStatsAggregator(LogStatsLevel.EPOCH)
        self.events = self.aggregator.create_event_topic(ImitationEvents)

    def evaluate(self, policy: Any) -> LogStats:
        total, n = 0.0, 0
        policy.eval()
        try:
            with torch.no_grad():
                for obs, act in self.data.batches(self.batch_size, shuffle=False):
                    size = len(next(iter(next(iter(obs.values())).values())))
                    total += float(self.loss.calculate_loss(policy, obs, act, self.events)) * size
                    n += size
        finally:
            policy.train()
        if self.model_selection is not None:
            self.model_selection.update(-total / max(n, 1))
        return self.aggregator.reduce()
