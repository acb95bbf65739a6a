"""Interface of state-action critic (Q(s, a)) composers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import BaseCriticComposer
from maze.perception.models.utils import normalize_spaces_dict
from maze.perception.perception_utils import space_shapes

#: output key of Q networks for action spaces that are not all discrete
Q_VALUE_KEY = "q_value"


def q_values_key(action_head: str) -> str:
    """Output key holding the Q values of all options of a discrete action head."""
    return f"{action_head}_q_values"


def action_input_space(space: spaces.Space) -> spaces.Box:
    """The (flat) input space of an action fed to a Q network: one-hot for discrete actions."""
    if isinstance(space, spaces.Discrete):
        return spaces.Box(0.0, 1.0, shape=(int(space.n),), dtype=np.float32)
    if isinstance(space, spaces.MultiDiscrete):
        return spaces.Box(0.0, 1.0, shape=(int(np.asarray(space.nvec).sum()),), dtype=np.float32)
    if isinstance(space, spaces.MultiBinary):
        return spaces.Box(0.0, 1.0, shape=tuple(np.atleast_1d(space.n).tolist()), dtype=np.float32)
    if isinstance(space, spaces.Box):
        return spaces.Box(space.low.astype(np.float32), space.high.astype(np.float32), dtype=np.float32)
    raise TypeError(f"state-action critics do not support {type(space).__name__} action spaces")


class BaseStateActionCriticComposer(BaseCriticComposer):
    """Q critics. Networks are built with ``obs_shapes`` and ``output_shapes``:

    * sub-steps with only ``Discrete`` action heads: the network sees the observations and returns the
      Q values of all options per head, key ``<head>_q_values``, shape ``(n,)``;
    * otherwise the actions are inputs too (keys = action heads; discrete ones one-hot encoded, see
      :func:`action_input_space`) and the network returns ``q_value`` of shape ``(1,)``.

    :param observation_spaces_dict: sub-step key → observation space.
    :param action_spaces_dict: sub-step key → action space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: Q network configs.
    :param shared_embedding_shapes: set by the model composers.
    """

    def __init__(self, observation_spaces_dict: Mapping[Any, spaces.Dict], action_spaces_dict: Mapping[Any, spaces.Dict],
                 agent_counts_dict: Mapping[Any, int] | None = None, networks: Any = None,
                 shared_embedding_shapes: Mapping[Any, Mapping[str, Any]] | None = None) -> None:
        self.action_spaces_dict = normalize_spaces_dict(action_spaces_dict, "action_spaces_dict")
        self.network_output_shapes_dict = self.network_output_shapes(self.action_spaces_dict)
        self.only_discrete_spaces = {k: Q_VALUE_KEY not in v for k, v in self.network_output_shapes_dict.items()}
        super().__init__(observation_spaces_dict, agent_counts_dict, networks, shared_embedding_shapes,
                         action_spaces_dict=self.action_spaces_dict)

    def _network_kwargs(self, key: Any) -> dict[str, Any]:
        return {"obs_shapes": space_shapes(self.network_observation_spaces_dict[key]), "output_shapes": self.network_output_shapes_dict[key]}

    @classmethod
    def _outputs_for(cls, action_space: spaces.Dict) -> dict[str, tuple[int, ...]]:
        if all(isinstance(s, spaces.Discrete) for s in action_space.spaces.values()):
            return {q_values_key(h): (int(s.n),) for h, s in action_space.spaces.items()}
        return {Q_VALUE_KEY: (1,)}

    @classmethod
    def _with_actions(cls, obs: dict[str, spaces.Space], action_space: spaces.Dict) -> spaces.Dict:
        if all(isinstance(s, spaces.Discrete) for s in action_space.spaces.values()):
            return spaces.Dict(obs)
        for head, space in action_space.spaces.items():
            if head in obs:
                raise ValueError(f"action head {head!r} clashes with an observation of the same name")
            obs[head] = action_input_space(space)
        return spaces.Dict(obs)

    @classmethod
    def network_output_shapes(cls, action_spaces_dict: Mapping[Any, spaces.Dict]) -> dict[Any, dict[str, tuple[int, ...]]]:
        """Critic key → output key → shape."""
        raise NotImplementedError
