"""The file format of observation normalization statistics: saving and loading them (JSON or ``.npz``, never pickle).

Lives below :class:`~maze.core.wrappers.observation_normalization.observation_normalization_wrapper.ObservationNormalizationWrapper`
(which dumps and loads its statistics with it); the functions are also importable from
:mod:`~maze.core.wrappers.observation_normalization.observation_normalization_utils`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from maze.core.utils.atomic_write import atomic_write, atomic_write_json

#: ``{observation_key: {statistic_name: value}}``
NormalizationStatisticsType = dict[str, dict[str, np.ndarray]]

STATISTICS_FORMAT = "maze-observation-normalization-statistics"
STATISTICS_FORMAT_VERSION = 1


def save_normalization_statistics(statistics: Mapping[str, Mapping[str, Any]], path: str) -> str:
    """Write statistics atomically (:func:`~maze.core.utils.atomic_write.atomic_write`), without pickle.

    ``.npz`` paths are written with ``numpy.savez`` (entries ``<observation>/<statistic>``); every other
    path (also a legacy ``statistics.pkl`` name) gets JSON: ``{"format", "version", "statistics":
    {obs: {stat: {"shape", "dtype", "values"}}}}``.

    :return: the absolute path written.
    """
    path = os.path.abspath(path)
    if path.endswith(".npz"):
        arrays = {f"{obs}/{name}": np.asarray(v) for obs, stats in statistics.items() for name, v in stats.items()}
        with atomic_write(path, binary=True) as f:
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
        atomic_write_json(path, payload, indent=1)
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
