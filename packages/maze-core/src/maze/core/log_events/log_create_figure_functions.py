"""Figure functions for ``define_plot`` (matplotlib, imported lazily; called once per epoch by writers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from maze.core.utils.matplotlib_utils import require_matplotlib


def _plt() -> Any:
    require_matplotlib("drawing statistics figures")
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        try:
            matplotlib.use("Agg", force=False)
        except Exception:  # noqa: BLE001 - keep the user's backend
            pass
    import matplotlib.pyplot as plt

    return plt


def create_histogram(value: Any, groups: tuple | None = None, **kwargs: Any) -> Any:
    """A matplotlib histogram of ``value`` (a list of scalars or arrays)."""
    plt = _plt()
    fig = plt.figure(figsize=(7, 5))
    data = np.concatenate([np.ravel(v) for v in value]) if len(value) else np.zeros(0)
    plt.hist(data, bins=30)
    plt.title("/".join(str(g) for g in groups or () if g is not None))
    return fig


def create_relative_bar_plot(value: Any, groups: tuple | None = None, **kwargs: Any) -> Any:
    """A bar plot of the relative frequency of each category (discrete / multi-binary actions)."""
    plt = _plt()
    data = np.asarray([np.ravel(v) for v in value]) if len(value) else np.zeros((0, 1))
    fig = plt.figure(figsize=(7, 5))
    if data.ndim == 2 and data.shape[1] > 1:  # multi-binary: frequency of 1 per position
        freq = data.mean(axis=0)
        plt.bar(np.arange(len(freq)), freq)
        plt.ylabel("relative frequency of 1")
    else:
        ints = data.ravel().astype(int)
        counts = np.bincount(ints - ints.min()) if ints.size else np.zeros(1)
        plt.bar(np.arange(ints.min() if ints.size else 0, (ints.min() if ints.size else 0) + len(counts)),
                counts / max(1, counts.sum()))
        plt.ylabel("relative frequency")
    plt.xlabel("action")
    plt.title("/".join(str(g) for g in groups or () if g is not None))
    return fig


def create_violin_distribution(value: Any, groups: tuple | None = None, **kwargs: Any) -> Any:
    """Violin plots per dimension of a list of vectors (continuous actions)."""
    plt = _plt()
    data = np.asarray([np.ravel(v) for v in value], dtype=float) if len(value) else np.zeros((1, 1))
    fig = plt.figure(figsize=(max(5, data.shape[1]), 5))
    plt.violinplot([data[:, i] for i in range(data.shape[1])], showmeans=True)
    plt.xlabel("action dimension")
    plt.title("/".join(str(g) for g in groups or () if g is not None))
    return fig


def create_categorical_plot(value: Any, groups: tuple | None = None, **kwargs: Any) -> Any:
    """Relative bar plot for integer values, histogram otherwise."""
    flat = np.concatenate([np.ravel(v) for v in value]) if len(value) else np.zeros(0)
    if flat.size and np.all(flat == np.round(flat)):
        return create_relative_bar_plot(value, groups, **kwargs)
    return create_histogram(value, groups, **kwargs)
