"""Built-in normalization strategies (registered as kind ``normalization_strategy``; docs alias
``maze.normalization_strategies.<Name>``)."""

from maze.core.wrappers.observation_normalization.normalization_strategies.base import ObservationNormalizationStrategy
from maze.core.wrappers.observation_normalization.normalization_strategies.mean_zero_std_one import (
    MeanZeroStdOneObservationNormalizationStrategy,
)
from maze.core.wrappers.observation_normalization.normalization_strategies.range_zero_one import (
    RangeZeroOneObservationNormalizationStrategy,
)

__all__ = [
    "MeanZeroStdOneObservationNormalizationStrategy",
    "ObservationNormalizationStrategy",
    "RangeZeroOneObservationNormalizationStrategy",
]
