"""One Q critic shared across all sub-steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import embedding_spaces
from maze.perception.models.critics.base_state_action_critic_composer import BaseStateActionCriticComposer
from maze.perception.perception_utils import flat_structured_space


class SharedStateActionCriticComposer(BaseStateActionCriticComposer):
    """One Q critic (critic key ``0``) shared across all sub-steps or actors; it sees the merged
    observation and action spaces of all sub-steps. maze-train builds a ``TorchSharedStateActionCritic``.
    See :class:`BaseStateActionCriticComposer` for the network signature."""

    critic_type = "shared_state_action"

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   action_spaces_dict: Mapping[Any, spaces.Dict] | None = None, **kwargs: Any) -> dict[Any, spaces.Dict]:
        merged = flat_structured_space({s: spaces.Dict({**sp.spaces, **embedding_spaces(shared_embedding_shapes, s)})
                                        for s, sp in observation_spaces_dict.items()})
        return {0: cls._with_actions(dict(merged.spaces), flat_structured_space(action_spaces_dict or {}))}

    @classmethod
    def network_output_shapes(cls, action_spaces_dict: Mapping[Any, spaces.Dict]) -> dict[Any, dict[str, tuple[int, ...]]]:
        return {0: cls._outputs_for(flat_structured_space(action_spaces_dict))}
