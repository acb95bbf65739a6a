"""Mean-zero, standard-deviation-one normalization."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from maze.core.wrappers.observation_normalization.normalization_strategies.base import (
    AffineNormalizationStrategy,
    StatisticsType,
)


class MeanZeroStdOneObservationNormalizationStrategy(AffineNormalizationStrategy):
    """``(value - mean) / std``: standardizes observations to mean 0 and standard deviation 1.

    Statistics: ``mean`` and ``std`` (population standard deviation of the samples). Elements with
    ``std == 0`` (constant features) are only shifted (divided by 1).
    """

    statistics_keys = ("mean", "std")

    def estimate_stats(self, observations: Sequence[np.ndarray]) -> StatisticsType:
        return {"mean": self._reduce(observations, np.mean), "std": self._reduce(observations, np.std)}

    def _on_statistics(self, statistics: dict[str, np.ndarray]) -> None:
        std = statistics["std"]
        if np.any(std < 0):
            raise ValueError(f"normalization statistic 'std' of observation '{self.observation_key}' is negative: {std}")
        self._shift = statistics["mean"]
        self._scale = (1.0 / np.where(std > 0, std, 1.0)).astype(np.float32)
