"""Evaluator interface and a composite of several evaluators."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Sequence

from maze.core.log_stats.epoch_stats import merge_log_stats
from maze.core.log_stats.log_stats import LogStats


class Evaluator(ABC):
    """Evaluates a policy and may notify a model selection (``self.model_selection``) with the result.

    Evaluators record their statistics through event topics into an epoch-level aggregator of their own and
    return the reduced statistics; trainers show them in the ``eval`` section.
    """

    #: notified with the evaluation result (higher is better), if set
    model_selection: Any = None

    @abstractmethod
    def evaluate(self, policy: Any) -> LogStats:
        """Evaluate ``policy``; returns the statistics of this evaluation (typed ``LogStats``)."""


class MultiEvaluator(Evaluator):
    """Runs several evaluators in order and merges their statistics.

    :param evaluators: the evaluators (e.g. a validation-loss evaluator and a rollout evaluator).
    """

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        if not evaluators:
            raise ValueError("MultiEvaluator needs at least one evaluator")
        self.evaluators = list(evaluators)
        selections = [e.model_selection for e in self.evaluators if getattr(e, "model_selection", None) is not None]
        self.model_selection = selections[0] if selections else None

    def evaluate(self, policy: Any) -> LogStats:
        return merge_log_stats(evaluator.evaluate(policy) for evaluator in self.evaluators)
