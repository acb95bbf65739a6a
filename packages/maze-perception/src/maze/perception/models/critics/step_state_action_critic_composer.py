"""One Q critic per sub-step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import embedding_spaces
from maze.perception.models.critics.base_state_action_critic_composer import BaseStateActionCriticComposer


class StepStateActionCriticComposer(BaseStateActionCriticComposer):
    """Each sub-step gets its own Q critic (critic key = sub-step key); maze-train builds a
    ``TorchStepStateActionCritic``. Also available as ``StateActionCriticComposer``.
    See :class:`BaseStateActionCriticComposer` for the network signature."""

    critic_type = "step_state_action"

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   action_spaces_dict: Mapping[Any, spaces.Dict] | None = None, **kwargs: Any) -> dict[Any, spaces.Dict]:
        return {step: cls._with_actions({**space.spaces, **embedding_spaces(shared_embedding_shapes, step)}, action_spaces_dict[step])
                for step, space in observation_spaces_dict.items()}

    @classmethod
    def network_output_shapes(cls, action_spaces_dict: Mapping[Any, spaces.Dict]) -> dict[Any, dict[str, tuple[int, ...]]]:
        return {step: cls._outputs_for(space) for step, space in action_spaces_dict.items()}
