"""Range [0, 1] normalization."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from maze.core.wrappers.observation_normalization.normalization_strategies.base import (
    AffineNormalizationStrategy,
    StatisticsType,
)


class RangeZeroOneObservationNormalizationStrategy(AffineNormalizationStrategy):
    """``(value - min) / (max - min)``: maps observations into ``[0, 1]``.

    Statistics: ``min`` and ``max`` (e.g. ``min: 0, max: 255`` for RGB images). Elements with
    ``max == min`` are only shifted.
    """

    statistics_keys = ("min", "max")

    def estimate_stats(self, observations: Sequence[np.ndarray]) -> StatisticsType:
        return {"min": self._reduce(observations, np.min), "max": self._reduce(observations, np.max)}

    def _on_statistics(self, statistics: dict[str, np.ndarray]) -> None:
        value_range = statistics["max"] - statistics["min"]
        if np.any(value_range < 0):
            raise ValueError(
                f"normalization statistics of observation '{self.observation_key}': 'max' is smaller than 'min' "
                f"(min={statistics['min']}, max={statistics['max']})"
            )
        self._shift = statistics["min"]
        self._scale = (1.0 / np.where(value_range > 0, value_range, 1.0)).astype(np.float32)
