"""State critics where later sub-steps predict a delta to the previous sub-step's value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from maze.perception.models.critics.base_critic_composer import embedding_spaces
from maze.perception.models.critics.base_state_critic_composer import BaseStateCriticComposer

#: observation key under which delta critics receive the previous sub-step's value
PREV_VALUE_KEY = "prev_value"


class DeltaStateCriticComposer(BaseStateCriticComposer):
    """The first sub-step gets a regular state critic; every later sub-step's network additionally
    receives ``prev_value`` (shape ``(1,)``, the previous sub-step's value) and predicts a delta to it
    (maze-train's ``TorchDeltaStateCritic`` adds the two).

    :param observation_spaces_dict: sub-step key → observation space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: critic network configs (one for all, a list in sub-step order or a mapping).
    :param shared_embedding_shapes: set by the model composers.
    """

    critic_type = "delta_state"

    def __init__(self, observation_spaces_dict: Mapping[Any, spaces.Dict], agent_counts_dict: Mapping[Any, int] | None = None,
                 networks: Any = None, shared_embedding_shapes: Mapping[Any, Mapping[str, Any]] | None = None) -> None:
        super().__init__(observation_spaces_dict, agent_counts_dict, networks, shared_embedding_shapes)

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   **kwargs: Any) -> dict[Any, spaces.Dict]:
        out = {}
        for i, (step, space) in enumerate(observation_spaces_dict.items()):
            entries = {**space.spaces, **embedding_spaces(shared_embedding_shapes, step)}
            if i > 0:
                if PREV_VALUE_KEY in entries:
                    raise ValueError(f"sub-step {step!r} already has an observation named {PREV_VALUE_KEY!r}, reserved by DeltaStateCriticComposer")
                entries[PREV_VALUE_KEY] = spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)
            out[step] = spaces.Dict(entries)
        return out
