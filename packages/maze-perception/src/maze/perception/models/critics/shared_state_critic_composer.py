"""One state critic shared across all sub-steps and actors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import embedding_spaces
from maze.perception.models.critics.base_state_critic_composer import BaseStateCriticComposer
from maze.perception.perception_utils import flat_structured_space, stack_and_flatten_spaces


class SharedStateCriticComposer(BaseStateCriticComposer):
    """One critic shared across all sub-steps or actors (the default for standard gym-style envs).

    The single network (critic key ``0``) receives the union of the observations of all sub-steps (plus
    shared embeddings); with ``stack_observations`` keys present in several sub-steps are stacked along
    a new first dimension (:func:`~maze.perception.perception_utils.stack_and_flatten_spaces`).
    maze-train builds a ``TorchSharedStateCritic``.

    :param observation_spaces_dict: sub-step key → observation space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: the critic network config (or a one-element list).
    :param stack_observations: stack observations of all sub-steps instead of merging them.
    :param shared_embedding_shapes: set by the model composers.
    """

    critic_type = "shared_state"

    def __init__(self, observation_spaces_dict: Mapping[Any, spaces.Dict], agent_counts_dict: Mapping[Any, int] | None = None,
                 networks: Any = None, stack_observations: bool = False,
                 shared_embedding_shapes: Mapping[Any, Mapping[str, Any]] | None = None) -> None:
        self.stack_observations = bool(stack_observations)
        super().__init__(observation_spaces_dict, agent_counts_dict, networks, shared_embedding_shapes,
                         stack_observations=self.stack_observations)

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   stack_observations: bool = False, **kwargs: Any) -> dict[Any, spaces.Dict]:
        with_embeddings = {step: spaces.Dict({**space.spaces, **embedding_spaces(shared_embedding_shapes, step)})
                           for step, space in observation_spaces_dict.items()}
        merged = stack_and_flatten_spaces(with_embeddings) if stack_observations else flat_structured_space(with_embeddings)
        return {0: merged}
