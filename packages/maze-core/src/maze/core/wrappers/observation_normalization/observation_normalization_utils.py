"""Estimating, obtaining, saving and loading observation normalization statistics."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import (
        ObservationNormalizationWrapper,
    )

#: ``{observation_key: {statistic_name: value}}``
NormalizationStatisticsType = dict[str, dict[str, np.ndarray]]

STATISTICS_FORMAT = "maze-observation-normalization-statistics"
STATISTICS_FORMAT_VERSION = 1


def _find_normalization_wrapper(env: Any) -> ObservationNormalizationWrapper | None:
    from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import (
        ObservationNormalizationWrapper,
    )
    from maze.core.wrappers.wrapper_utils import find_wrapper

    return find_wrapper(env, ObservationNormalizationWrapper)


def save_normalization_statistics(statistics: Mapping[str, Mapping[str, Any]], path: str) -> str:
    """Write statistics atomically (temp file + ``os.replace``), without pickle.

    ``.npz`` paths are written with ``numpy.savez`` (entries ``<observation>/<statistic>``); every other
    path (also a legacy ``statistics.pkl`` name) gets JSON: ``{"format", "version", "statistics":
    {obs: {stat: {"shape", "dtype", "values"}}}}``.

    :return: the absolute path written.
    """
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=directory)
    try:
        if path.endswith(".npz"):
            arrays = {f"{obs}/{name}": np.asarray(v) for obs, stats in statistics.items() for name, v in stats.items()}
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
        else:
            payload = {
                "format": STATISTICS_FORMAT,
                "version": STATISTICS_FORMAT_VERSION,
                "statistics": {
                    str(obs): {
                        str(name): {"shape": list(np.shape(v)), "dtype": str(np.asarray(v).dtype),
                                    "values": np.asarray(v).reshape(-1).tolist()}
                        for name, v in stats.items()
                    }
                    for obs, stats in statistics.items()
                },
            }
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(payload, f, indent=1)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def load_normalization_statistics(path: str) -> NormalizationStatisticsType:
    """Read statistics written by :func:`save_normalization_statistics` (never unpickles anything).

    :raises ValueError: the file is not a Maze statistics file (e.g. a pickle of an older Maze version).
    """
    if path.endswith(".npz"):
        stats: NormalizationStatisticsType = {}
        with np.load(path, allow_pickle=False) as data:
            for entry in data.files:
                obs, _, name = entry.rpartition("/")
                stats.setdefault(obs, {})[name] = data[entry]
        return stats
    try:
        with open(path, encoding="utf-8") as f:
            payload = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"'{path}' is not a Maze normalization statistics file (JSON or .npz expected; pickle files are not "
            f"loaded for safety): {exc}"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != STATISTICS_FORMAT:
        raise ValueError(f"'{path}' is not a Maze normalization statistics file (missing format '{STATISTICS_FORMAT}')")
    if int(payload.get("version", 0)) > STATISTICS_FORMAT_VERSION:
        raise ValueError(f"'{path}' has statistics format version {payload['version']}; this Maze reads up to {STATISTICS_FORMAT_VERSION}")
    stats = {}
    for obs, entries in payload["statistics"].items():
        stats[obs] = {
            name: np.asarray(e["values"], dtype=e.get("dtype", "float32")).reshape(e["shape"]) for name, e in entries.items()
        }
    return stats


def estimate_observation_normalization_statistics(env: Any, n_samples: int) -> None:
    """Estimate and set the statistics of the env's :class:`ObservationNormalizationWrapper` from
    ``n_samples`` steps of its sampling policy.

    Steps are taken on the normalization wrapper itself (wrappers outside it are bypassed, so the sampling
    policy acts in the wrapper's action space); the env should be reset afterwards.

    :param env: an env with an ObservationNormalizationWrapper somewhere in its wrapper stack.
    :param n_samples: number of steps to sample (episodes are reset as needed).
    """
    wrapper = _find_normalization_wrapper(env)
    if wrapper is None:
        raise ValueError(f"{env!r} has no ObservationNormalizationWrapper in its wrapper stack")
    if int(n_samples) < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    policy = wrapper.make_sampling_policy()
    needs_state, needs_env = policy.needs_state(), policy.needs_env()
    wrapper.set_observation_collection(True)
    try:
        obs, _ = wrapper.reset()
        policy.reset()
        for _ in range(int(n_samples)):
            action = policy.compute_action(
                obs,
                maze_state=wrapper.get_maze_state() if needs_state else None,
                env=wrapper if needs_env else None,
                actor_id=wrapper.actor_id(),
                deterministic=False,
            )
            obs, _, terminated, truncated, _ = wrapper.step(action)
            if terminated or truncated:
                obs, _ = wrapper.reset()
                policy.reset()
        wrapper.estimate_statistics()
    finally:
        wrapper.set_observation_collection(False)


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
