"""The docs' "Using Custom Normalization Strategies":
``my_project.normalization_strategies.custom.CustomObservationNormalizationStrategy``."""

from typing import Sequence

import numpy as np

from maze.core.annotations import override
from maze.core.wrappers.observation_normalization.normalization_strategies.base import (
    ObservationNormalizationStrategy,
)


class CustomObservationNormalizationStrategy(ObservationNormalizationStrategy):
    """Robust scaling: ``(value - median) / (q75 - q25)`` with the statistics ``median`` and ``iqr``."""

    @override(ObservationNormalizationStrategy)
    def estimate_stats(self, observations: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        """Median and inter-quartile range of the observations (along the strategy's axis)."""
        stacked = np.stack([np.asarray(o, dtype=np.float64) for o in observations])
        axis = self.axis if self.axis is not None else None
        q25, median, q75 = np.percentile(stacked, [25, 50, 75], axis=axis, keepdims=axis is not None)
        if axis is not None:
            q25, median, q75 = q25[0], median[0], q75[0]
        return {"median": np.asarray(median, np.float32), "iqr": np.asarray(q75 - q25, np.float32)}

    @override(ObservationNormalizationStrategy)
    def normalize_value(self, value: np.ndarray) -> np.ndarray:
        """Normalize with the current statistics."""
        stats = self.get_statistics()
        iqr = np.where(stats["iqr"] > 0, stats["iqr"], 1.0)
        return ((np.asarray(value, dtype=np.float32) - stats["median"]) / iqr).astype(np.float32)
