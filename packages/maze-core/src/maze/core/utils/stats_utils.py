"""Running statistics of streams of numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np


class CumulativeMovingMeanStd:
    """Maintains the cumulative moving mean and standard deviation of incoming numpy arrays along axis 0.

    Every :meth:`update` adds a batch of samples (``x[0], x[1], ...``); the statistics equal ``np.mean``/``np.var``/
    ``np.std`` (population variance, ``ddof=0``) over all samples seen so far, per entry of the remaining axes.
    Batches are merged with the parallel algorithm of Chan, Golub and LeVeque (1979), which stays accurate for long
    streams (no running sums of squares).

    :param shape: the shape of one sample (``()`` for scalars).
    :param dtype: the floating-point type of the statistics.
    """

    def __init__(self, shape: tuple[int, ...] = (), dtype: Any = np.float64) -> None:
        self.shape = tuple(shape)
        self.count = 0
        self.mean = np.zeros(self.shape, dtype=dtype)
        self._m2 = np.zeros(self.shape, dtype=dtype)

    def update(self, x: Any) -> None:
        """Add a batch of samples.

        :param x: array of shape ``(n,) + shape`` (``n`` samples).
        :raises ValueError: if the samples do not have the shape given at construction.
        """
        batch = np.asarray(x, dtype=self.mean.dtype)
        if batch.shape[1:] != self.shape:
            raise ValueError(f"CumulativeMovingMeanStd: expected samples of shape {self.shape} stacked along axis 0, "
                             f"got an array of shape {batch.shape}")
        n = batch.shape[0]
        if n == 0:
            return
        batch_mean = batch.mean(axis=0)
        batch_m2 = ((batch - batch_mean) ** 2).sum(axis=0)
        total = self.count + n
        delta = batch_mean - self.mean
        self.mean = self.mean + delta * (n / total)
        self._m2 = self._m2 + batch_m2 + delta**2 * (self.count * n / total)
        self.count = total

    @property
    def var(self) -> np.ndarray:
        """The (population) variance of all samples so far (zeros before the first sample)."""
        return self._m2 / self.count if self.count else np.zeros_like(self._m2)

    @property
    def std(self) -> np.ndarray:
        """The standard deviation of all samples so far."""
        return np.sqrt(self.var)

    def __repr__(self) -> str:
        return f"CumulativeMovingMeanStd(count={self.count}, mean={self.mean!r}, std={self.std!r})"
