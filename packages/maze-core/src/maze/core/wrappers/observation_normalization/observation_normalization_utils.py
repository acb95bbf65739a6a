"""Estimating, obtaining, saving and loading observation normalization statistics."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from maze.core.wrappers.observation_normalization.normalization_statistics import (
    STATISTICS_FORMAT,
    STATISTICS_FORMAT_VERSION,
    NormalizationStatisticsType,
    load_normalization_statistics,
    save_normalization_statistics,
)
from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import (
    ObservationNormalizationWrapper,
)
from maze.core.wrappers.wrapper_utils import find_wrapper

__all__ = [
    "STATISTICS_FORMAT",
    "STATISTICS_FORMAT_VERSION",
    "NormalizationStatisticsType",
    "estimate_observation_normalization_statistics",
    "load_normalization_statistics",
    "make_normalized_env_factory",
    "obtain_normalization_statistics",
    "save_normalization_statistics",
]


def _find_normalization_wrapper(env: Any) -> ObservationNormalizationWrapper | None:
    return find_wrapper(env, ObservationNormalizationWrapper)


def estimate_observation_normalization_statistics(env: Any, n_samples: int) -> None:
    """Estimate and set the statistics of the env's :class:`ObservationNormalizationWrapper` from
    ``n_samples`` steps of its sampling policy (see
    :meth:`ObservationNormalizationWrapper.estimate_statistics_by_sampling`).

    :param env: an env with an ObservationNormalizationWrapper somewhere in its wrapper stack.
    :param n_samples: number of steps to sample (episodes are reset as needed).
    """
    wrapper = _find_normalization_wrapper(env)
    if wrapper is None:
        raise ValueError(f"{env!r} has no ObservationNormalizationWrapper in its wrapper stack")
    wrapper.estimate_statistics_by_sampling(n_samples)


def obtain_normalization_statistics(env: Any, n_samples: int = 1000, input_dir: str | None = None,
                                    output_dir: str | None = None) -> NormalizationStatisticsType | None:
    """Obtain the normalization statistics of an env.

    * ``None`` if the env has no :class:`ObservationNormalizationWrapper`,
    * statistics loaded from ``<input_dir>/<statistics_dump>`` when ``input_dir`` has them (rollouts and
      resumed runs of trained policies),
    * the statistics already set (manual config or set earlier),
    * otherwise estimated from ``n_samples`` sampling steps.

    The statistics used are dumped to the wrapper's ``statistics_dump`` (relative paths resolved against
    ``output_dir``, by default Hydra's run dir or the working directory), so every run keeps them.

    :param env: the (wrapped) env.
    :param n_samples: number of sampling steps if statistics must be estimated.
    :param input_dir: output dir of an earlier run to load statistics from.
    :param output_dir: where relative ``statistics_dump`` paths are written.
    """
    wrapper = _find_normalization_wrapper(env)
    if wrapper is None:
        return None
    if input_dir:
        candidate = os.path.join(input_dir, wrapper.statistics_dump) if wrapper.statistics_dump else None
        if candidate and os.path.exists(candidate):
            wrapper.load_statistics(candidate)
            if output_dir and os.path.abspath(output_dir) != os.path.abspath(input_dir):
                wrapper.dump_statistics(output_dir=output_dir)  # every run keeps the statistics it used
            return wrapper.get_statistics()
    if not wrapper.is_initialized():
        estimate_observation_normalization_statistics(wrapper, n_samples)
    if wrapper.statistics_dump:
        wrapper.dump_statistics(output_dir=output_dir)
    return wrapper.get_statistics()


def make_normalized_env_factory(env_factory: Callable[[], Any],
                                normalization_statistics: NormalizationStatisticsType | None) -> Callable[[], Any]:
    """Wrap an env factory so that every env it creates gets ``normalization_statistics`` assigned
    (envs without an ObservationNormalizationWrapper are returned unchanged)."""

    def factory() -> Any:
        env = env_factory()
        if normalization_statistics is not None:
            wrapper = _find_normalization_wrapper(env)
            if wrapper is not None:
                wrapper.set_normalization_statistics(normalization_statistics)
        return env

    return factory
