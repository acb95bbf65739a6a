"""Reducer functions for statistics definitions (besides plain callables like ``len``, ``sum``, ``np.mean``)."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np


def histogram(values: Iterable[Any]) -> list:
    """The histogram reducer: returns the collected values themselves (flattened one level).

    Keeping the raw values instead of binning them supports floats and arrays alike; writers turn them into
    histograms (TensorBoard) or ``[len:N, μ:mean]`` summaries (console). Lists coming from a lower aggregation
    level (a list per step or per episode) are concatenated, so ``histogram`` can be used on every level.

    :param values: the values of one aggregation unit (events of a step, step stats of an episode, ...).
    :return: a flat list of the values.
    """
    out: list = []
    extend = out.extend
    append = out.append
    for v in values:
        if type(v) is list:
            extend(v)
        else:
            append(v)
    return out


def count(values: Iterable[Any]) -> int:
    """Number of values (``len`` that also accepts iterators)."""
    return len(values) if hasattr(values, "__len__") else sum(1 for _ in values)  # type: ignore[arg-type]


def flat_mean(values: Any) -> float:
    """Mean over all elements of a (possibly nested / ragged) list of scalars and arrays; ``nan`` when empty."""
    arr = to_flat_array(values)
    return float(arr.mean()) if arr.size else float("nan")


def to_flat_array(values: Any) -> np.ndarray:
    """Flatten a list of scalars and/or arrays (of any shapes) into one 1-d float array."""
    if isinstance(values, np.ndarray):
        return values.ravel()
    if not values:
        return np.zeros(0)
    first = values[0]
    if isinstance(first, (np.ndarray, list, tuple)):
        return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
