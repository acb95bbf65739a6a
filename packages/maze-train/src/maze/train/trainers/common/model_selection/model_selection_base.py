"""Model selection interface: receives evaluation results and decides what to keep."""

from __future__ import annotations

from abc import ABC, abstractmethod


class ModelSelectionBase(ABC):
    """Base class of model selection strategies."""

    @abstractmethod
    def update(self, reward: float) -> None:
        """Receive a new evaluation result (higher is better)."""
