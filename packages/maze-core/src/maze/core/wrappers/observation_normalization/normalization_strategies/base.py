"""Interface of observation normalization strategies."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

import gymnasium as gym
import numpy as np

#: one statistic: an array or a scalar (or a nested list from a config)
StatisticsValue = Union[np.ndarray, float, int, Iterable[Union[float, int]]]
#: the statistics of one observation (``{"mean": ..., "std": ...}``)
StatisticsType = dict[str, StatisticsValue]


class ObservationNormalizationStrategy(ABC):
    """Normalizes one Box observation with statistics that are given or estimated from samples.

    Statistics are computed over the stacked samples (shape ``(N, *observation_shape)``) along ``axis``:
    ``None`` reduces all axes (scalar statistics); ``[0]`` gives element-wise statistics of the
    observation's shape; ``[0, 1]`` also shares statistics along the observation's first axis (kept with
    size 1, so they broadcast). ``axis`` must contain the sample axis 0.

    Statistics given manually may be scalars or any shape that broadcasts to the observation's shape.

    :param observation_space: the Box space of the observation.
    :param clip_range: ``(min, max)`` applied after normalization; ``None`` entries disable that side.
    :param axis: the axes of the stacked samples to compute statistics along (see above).
    """

    #: names of the statistics of this strategy (``("mean", "std")``); empty: any names (strategies written against
    #: the reference docs' interface, which does not declare them, take the names their ``estimate_stats`` returns)
    statistics_keys: tuple[str, ...] = ()

    def __init__(self, observation_space: gym.spaces.Box, clip_range: Sequence[float | None] | None = (None, None),
                 axis: int | Sequence[int] | None = None) -> None:
        if not isinstance(observation_space, gym.spaces.Box):
            raise TypeError(f"{type(self).__name__} normalizes Box observations, got {observation_space}")
        self._original_observation_space = observation_space
        #: key of the observation (set by the wrapper; used in error messages)
        self.observation_key = "?"
        clip_range = (None, None) if clip_range is None else tuple(clip_range)
        if len(clip_range) != 2:
            raise ValueError(f"{type(self).__name__}: clip_range must be [min, max] (entries may be null), got {clip_range}")
        self.clip_range = clip_range
        self._clip_low = -np.inf if clip_range[0] is None else float(clip_range[0])
        self._clip_high = np.inf if clip_range[1] is None else float(clip_range[1])
        if self._clip_low > self._clip_high:
            raise ValueError(f"{type(self).__name__}: clip_range min {clip_range[0]} is larger than max {clip_range[1]}")
        self._clip = bool(np.isfinite(self._clip_low) or np.isfinite(self._clip_high))
        self.axis = self._check_axis(axis, len(observation_space.shape))
        self._statistics: dict[str, np.ndarray] | None = None

    def _check_axis(self, axis: Any, ndim: int) -> tuple[int, ...] | None:
        if axis is None:
            return None
        axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        normalized = []
        for a in axes:
            a = int(a)
            if not -(ndim + 1) <= a <= ndim:
                raise ValueError(
                    f"{type(self).__name__}: axis {axis} out of range for samples of shape (N, *{self.observation_space.shape})"
                )
            normalized.append(a % (ndim + 1))
        if 0 not in normalized:
            raise ValueError(f"{type(self).__name__}: axis {axis} must contain the sample axis 0 (e.g. [0] for element-wise statistics)")
        return tuple(sorted(set(normalized)))

    @property
    def observation_space(self) -> gym.spaces.Box:
        """The original (un-normalized) observation space."""
        return self._original_observation_space

    def expected_statistics_shape(self) -> tuple[int, ...]:
        """The shape of estimated statistics: ``()`` for ``axis=None``, else the observation shape with the
        reduced axes set to 1."""
        if self.axis is None:
            return ()
        return tuple(1 if i + 1 in self.axis else d for i, d in enumerate(self.observation_space.shape))

    def _reduce(self, observations: Sequence[np.ndarray], fn: Any) -> np.ndarray:
        if len(observations) == 0:
            raise ValueError(f"cannot estimate normalization statistics of observation '{self.observation_key}' from 0 samples")
        stacked = np.stack([np.asarray(o, dtype=np.float64) for o in observations])
        if self.axis is None:
            return np.asarray(fn(stacked), dtype=np.float32)
        return np.asarray(fn(stacked, axis=self.axis, keepdims=True)[0], dtype=np.float32)

    @abstractmethod
    def estimate_stats(self, observations: Sequence[np.ndarray]) -> StatisticsType:
        """Estimate the statistics from collected observations (does not set them)."""

    @abstractmethod
    def normalize_value(self, value: np.ndarray) -> np.ndarray:
        """Normalize one observation with the current statistics (no clipping)."""

    def _on_statistics(self, statistics: dict[str, np.ndarray]) -> None:
        """Hook: precompute whatever :meth:`normalize_value` needs (called after the statistics changed)."""

    def set_statistics(self, stats: Mapping[str, StatisticsValue]) -> None:
        """Set the statistics (checked: names and shapes).

        :raises ValueError: a missing or unknown statistic, or one whose shape does not broadcast to the
            observation's shape (the message names the observation, the statistic, the shapes).
        """
        if not isinstance(stats, Mapping):
            raise ValueError(f"normalization statistics of observation '{self.observation_key}' must be a mapping "
                             f"{list(self.statistics_keys)} → value, got {stats!r}")
        keys = self.statistics_keys or tuple(stats)
        missing = [k for k in keys if k not in stats]
        unknown = [k for k in stats if k not in keys]
        if missing or unknown or not keys:
            expected = list(keys) if self.statistics_keys else "at least one statistic"
            raise ValueError(
                f"normalization statistics of observation '{self.observation_key}' ({type(self).__name__}) must have the keys "
                f"{expected}, got {sorted(stats)}"
            )
        obs_shape = tuple(self.observation_space.shape)
        checked = {}
        for name in keys:
            value = np.asarray(stats[name], dtype=np.float32)
            try:
                ok = np.broadcast_shapes(value.shape, obs_shape) == obs_shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(
                    f"normalization statistic '{name}' of observation '{self.observation_key}' has shape {value.shape}, "
                    f"expected shape {self.expected_statistics_shape()} (axis={list(self.axis) if self.axis else None}) "
                    f"or any shape broadcastable to the observation shape {obs_shape}"
                )
            if not np.all(np.isfinite(value)):
                raise ValueError(f"normalization statistic '{name}' of observation '{self.observation_key}' is not finite: {value}")
            checked[name] = value
        self._statistics = checked
        self._on_statistics(checked)

    def get_statistics(self) -> dict[str, np.ndarray]:
        """The current statistics (``{}`` before they are set)."""
        return dict(self._statistics or {})

    def is_initialized(self) -> bool:
        """True once statistics are set."""
        return self._statistics is not None

    def normalize_and_process_value(self, value: np.ndarray) -> np.ndarray:
        """Normalize and clip one observation (float32)."""
        out = self.normalize_value(value)
        if self._clip:
            np.clip(out, self._clip_low, self._clip_high, out=out)
        return out

    def normalized_space(self) -> gym.spaces.Box:
        """The observation space after normalization and clipping (bounds mapped through the strategy)."""
        space = self.observation_space
        shape = space.shape
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            low = self.normalize_value(np.broadcast_to(space.low, shape).astype(np.float32))
            high = self.normalize_value(np.broadcast_to(space.high, shape).astype(np.float32))
        low, high = np.minimum(low, high), np.maximum(low, high)
        low = np.nan_to_num(low, nan=-np.inf)
        high = np.nan_to_num(high, nan=np.inf)
        low = np.clip(low, self._clip_low, self._clip_high)
        high = np.clip(high, self._clip_low, self._clip_high)
        return gym.spaces.Box(low=low.astype(np.float32), high=high.astype(np.float32), dtype=np.float32)


class AffineNormalizationStrategy(ObservationNormalizationStrategy):
    """Base of strategies of the form ``(value - shift) * scale`` (one subtraction and one multiplication
    per step, computed in float32)."""

    _shift: np.ndarray
    _scale: np.ndarray

    def normalize_value(self, value: np.ndarray) -> np.ndarray:
        if self._statistics is None:
            raise RuntimeError(
                f"normalization statistics of observation '{self.observation_key}' are not set; estimate them with "
                f"obtain_normalization_statistics(env, n_samples) or set them manually"
            )
        out = np.subtract(value, self._shift, dtype=np.float32)
        out *= self._scale
        return out
