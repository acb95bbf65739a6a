"""One state critic per sub-step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import embedding_spaces
from maze.perception.models.critics.base_state_critic_composer import BaseStateCriticComposer


class StepStateCriticComposer(BaseStateCriticComposer):
    """Each sub-step gets its own state critic (critic key = sub-step key); maze-train builds a
    ``TorchStepStateCritic``. Also available as ``StateCriticComposer``.

    :param observation_spaces_dict: sub-step key → observation space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: critic network configs (one for all, a list in sub-step order or a mapping).
    :param shared_embedding_shapes: set by the model composers.
    """

    critic_type = "step_state"

    def __init__(self, observation_spaces_dict: Mapping[Any, spaces.Dict], agent_counts_dict: Mapping[Any, int] | None = None,
                 networks: Any = None, shared_embedding_shapes: Mapping[Any, Mapping[str, Any]] | None = None) -> None:
        super().__init__(observation_spaces_dict, agent_counts_dict, networks, shared_embedding_shapes)

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   **kwargs: Any) -> dict[Any, spaces.Dict]:
        return {step: spaces.Dict({**space.spaces, **embedding_spaces(shared_embedding_shapes, step)})
                for step, space in observation_spaces_dict.items()}
