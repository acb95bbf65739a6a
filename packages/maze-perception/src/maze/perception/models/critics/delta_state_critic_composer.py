"""State critics where later sub-steps predict a delta to the previous sub-step's value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from maze.perception.models.critics.step_state_critic_composer import StepStateCriticComposer

#: observation key under which delta critics receive the previous sub-step's value
PREV_VALUE_KEY = "prev_value"


class DeltaStateCriticComposer(StepStateCriticComposer):
    """The first sub-step gets a regular state critic; every later sub-step's network additionally
    receives ``prev_value`` (shape ``(1,)``, the previous sub-step's value) and predicts a delta to it
    (maze-train's ``TorchDeltaStateCritic`` adds the two).

    A per-sub-step critic (a :class:`StepStateCriticComposer`) with a different :attr:`critic_type`.

    :param observation_spaces_dict: sub-step key → observation space.
    :param agent_counts_dict: sub-step key → number of agents.
    :param networks: critic network configs (one for all, a list in sub-step order or a mapping).
    :param shared_embedding_shapes: set by the model composers.
    """

    critic_type = "delta_state"

    @classmethod
    def network_observation_spaces(cls, observation_spaces_dict: Mapping[Any, spaces.Dict],
                                   shared_embedding_shapes: Mapping[Any, Mapping[str, tuple[int, ...]]] | None = None,
                                   **kwargs: Any) -> dict[Any, spaces.Dict]:
        out = super().network_observation_spaces(observation_spaces_dict, shared_embedding_shapes, **kwargs)
        for step in list(out)[1:]:
            entries = dict(out[step].spaces)
            if PREV_VALUE_KEY in entries:
                raise ValueError(f"sub-step {step!r} already has an observation named {PREV_VALUE_KEY!r}, reserved by DeltaStateCriticComposer")
            entries[PREV_VALUE_KEY] = spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)
            out[step] = spaces.Dict(entries)
        return out
