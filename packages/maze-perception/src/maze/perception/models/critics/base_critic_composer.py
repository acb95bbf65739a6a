"""Common base of all critic composers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces
from torch import nn

from maze.perception.models.utils import build_networks, normalize_spaces_dict
from maze.perception.perception_utils import space_shapes


def embedding_spaces(shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None, step: Any) -> dict[str, spaces.Box]:
    """Unbounded Box spaces for the shared embedding tensors a critic receives from the policy of ``step``."""
    shapes = (shared_embedding_shapes or {}).get(step, {})
    return {k: spaces.Box(-np.inf, np.inf, shape=tuple(s), dtype=np.float32) for k, s in shapes.items()}


class BaseCriticComposer(ABC):
    """Builds critic (value) networks.

    Subclasses define which networks exist (:meth:`network_observation_spaces`: critic key →
    observation space of that network) and the type of critic maze-train builds from them
    (:attr:`critic_type`).

    Attributes used by maze-train: :attr:`networks` (critic key → network), :attr:`critic_type`,
    :attr:`network_observation_spaces_dict` (what each network receives), :attr:`shared_embedding_keys`
    (sub-step → keys to take from the policy output and add to the critic input),
    :attr:`observation_spaces_dict`, :attr:`agent_counts_dict`.

    :param observation_spaces_dict: sub-step key → observation ``Dict`` space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: network configs or modules (one for all critic keys, a list in key order or a mapping).
    :param shared_embedding_shapes: sub-step → {embedding key: shape} of policy outputs shared with the critic
        (set by the model composers).
    """

    critic_type: ClassVar[str] = ""

    def __init__(self, observation_spaces_dict: Mapping[Any, spaces.Dict], agent_counts_dict: Mapping[Any, int] | None,
                 networks: Any, shared_embedding_shapes: Mapping[Any, Mapping[str, Sequence[int]]] | None = None,
                 **space_kwargs: Any) -> None:
        self.observation_spaces_dict = normalize_spaces_dict(observation_spaces_dict, "observation_spaces_dict")
        self.agent_counts_dict = dict(agent_counts_dict) if agent_counts_dict else {k: 1 for k in self.observation_spaces_dict}
        self.shared_embedding_shapes = {k: {kk: tuple(vv) for kk, vv in v.items()} for k, v in (shared_embedding_shapes or {}).items()}
        self.shared_embedding_keys: dict[Any, list[str]] = {
            k: list(self.shared_embedding_shapes.get(k, {})) for k in self.observation_spaces_dict}
        self.network_observation_spaces_dict = self.network_observation_spaces(
            self.observation_spaces_dict, shared_embedding_shapes=self.shared_embedding_shapes, **space_kwargs)
        self.networks: dict[Any, nn.Module] = build_networks(
            networks, list(self.network_observation_spaces_dict), self._network_kwargs, f"{type(self).__name__} networks")

    def _network_kwargs(self, key: Any) -> dict[str, Any]:
        return {"obs_shapes": space_shapes(self.network_observation_spaces_dict[key])}

    @classmethod
    @abstractmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   **kwargs: Any) -> dict[Any, spaces.Dict]:
        """Critic key → observation space its network receives."""

    @property
    def num_critics(self) -> int:
        """Number of critic networks."""
        return len(self.networks)

    @property
    def critic(self) -> BaseCriticComposer:
        """The composed critic description (this object)."""
        return self
