"""Evaluator interface and a composite of several evaluators."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Sequence


class Evaluator(ABC):
    """Evaluates a policy; returns flat statistics (``"eval_BaseEnvEvents/reward/mean"`` → value) and may
    notify a model selection."""

    @abstractmethod
    def evaluate(self, policy: Any) -> dict[str, float]:
        """Evaluate ``policy``."""


class MultiEvaluator(Evaluator):
    """Runs several evaluators in order and merges their statistics.

    :param evaluators: the evaluators (e.g. a validation-loss evaluator and a rollout evaluator).
    """

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        if not evaluators:
            raise ValueError("MultiEvaluator needs at least one evaluator")
        self.evaluators = list(evaluators)

    def evaluate(self, policy: Any) -> dict[str, float]:
        stats: dict[str, float] = {}
        for evaluator in self.evaluators:
            stats.update(evaluator.evaluate(policy) or {})
        return stats
