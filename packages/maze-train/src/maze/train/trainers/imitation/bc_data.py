"""Stacked in-memory training data for behavioural cloning (fast mini-batches without a DataLoader)."""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np
import torch

from maze.core.env.structured_env import StepKeyType
from maze.train.utils.train_utils import to_tensor_dict


class StackedImitationData:
    """All steps of a dataset (or subset) stacked per sub-step key into tensors.

    Items of the dataset are ``(observations by sub-step key, actions by sub-step key, actor IDs)`` (maze-core's
    ``InMemoryDataset``). Every item must contain the same sub-step keys (lock-step structured envs).

    :param items: the dataset or subset (indexable, sized).
    :param device: torch device.
    """

    def __init__(self, items: Sequence[Any], device: str = "cpu") -> None:
        items = list(items)
        if not items:
            raise ValueError("imitation data is empty (no recorded steps)")
        keys = list(items[0][0])
        self.observations: dict[StepKeyType, dict[str, torch.Tensor]] = {}
        self.actions: dict[StepKeyType, dict[str, torch.Tensor]] = {}
        for key in keys:
            obs = [it[0][key] for it in items if key in it[0] and it[1].get(key) is not None]
            act = [it[1][key] for it in items if key in it[0] and it[1].get(key) is not None]
            self.observations[key] = to_tensor_dict({k: np.stack([o[k] for o in obs]) for k in obs[0]}, device)
            self.actions[key] = to_tensor_dict({k: np.stack([np.asarray(a[k]) for a in act]) for k in act[0]}, device)
        self.n = min(len(next(iter(v.values()))) for v in self.observations.values())

    def __len__(self) -> int:
        return self.n

    def batches(self, batch_size: int, shuffle: bool = True, generator: torch.Generator | None = None
                ) -> Iterator[tuple[dict, dict]]:
        """``(observations by key, actions by key)`` mini-batches."""
        order = torch.randperm(self.n, generator=generator) if shuffle else torch.arange(self.n)
        for start in range(0, self.n, batch_size):
            idx = order[start:start + batch_size]
            yield ({k: {n: t[idx] for n, t in v.items()} for k, v in self.observations.items()},
                   {k: {n: t[idx] for n, t in v.items()} for k, v in self.actions.items()})
