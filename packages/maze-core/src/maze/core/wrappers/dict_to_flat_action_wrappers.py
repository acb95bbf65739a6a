"""Dict action spaces → one MultiDiscrete or Box space, for frameworks without Dict actions (Stable-Baselines3).

Observations are left as they are (SB3's ``MultiInputPolicy`` takes Dict observations); for a fully flat env
use :class:`~maze.core.wrappers.no_dict_spaces_wrapper.NoDictSpacesWrapper`, which flattens both.
"""

from __future__ import annotations

from typing import Any

from maze.core.wrappers.flat_action_conversion import (
    BoxActionConversion,
    FlatActionConversion,
    MultiDiscreteActionConversion,
)
from maze.core.wrappers.gymnasium_facing import GymnasiumFacingMixin
from maze.core.wrappers.wrapper import ActionWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, action_spaces_dict_of


class _FlatDictActionWrapper(GymnasiumFacingMixin, SubStepSpacesMixin, ActionWrapper):
    """Replaces every sub-step's Dict action space with the flat space of :attr:`conversion_type`."""

    conversion_type: type[FlatActionConversion]

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.conversions: dict[Any, FlatActionConversion] = {
            key: self.conversion_type(space, f"{type(self).__name__}: action space of sub-step {key!r}")
            for key, space in action_spaces_dict_of(env).items()
        }
        self._init_spaces(None, {key: conv.space for key, conv in self.conversions.items()})

    def action(self, action: Any) -> dict[str, Any]:
        """Flat action → the wrapped env's Dict action (active sub-step)."""
        return self.conversions[self._step_key()].to_dict(action)

    def reverse_action(self, action: dict[str, Any]) -> Any:
        """Dict action → flat action (active sub-step)."""
        return self.conversions[self._step_key()].from_dict(action)

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Recorded actions in the flat space, per sub-step key."""
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: self.conversions[k].from_dict(v) for k, v in act_dict.items()}
        return obs_dict, act_dict


class DictToMultiDiscreteActionWrapper(_FlatDictActionWrapper):
    """Each sub-step's Dict of Discrete / MultiDiscrete / MultiBinary action spaces becomes one 0-based
    ``MultiDiscrete`` (parts in the Dict's key order, see
    :class:`~maze.core.wrappers.flat_action_conversion.MultiDiscreteActionConversion`).

    Cutting-2D flat: ``Dict(cut_order=Discrete(2), cut_rotation=Discrete(2), piece_idx=Discrete(50))`` →
    ``MultiDiscrete([2, 2, 50])``. The wrapped env is a gymnasium ≥ 1.0 env (seeded by ``reset(seed=...)``, no
    ``seed()`` method), ready for Stable-Baselines3 (``MultiInputPolicy`` for its Dict observations).

    :param env: the env to wrap.
    :raises ValueError: naming the sub-step and its parts when a Dict space has non-discrete parts.
    """

    conversion_type = MultiDiscreteActionConversion


class DictToBoxActionWrapper(_FlatDictActionWrapper):
    """Each sub-step's Dict of Box action spaces becomes one flat ``Box`` (parts flattened and concatenated
    in the Dict's key order, bounds kept; see :class:`~maze.core.wrappers.flat_action_conversion.BoxActionConversion`).

    :param env: the env to wrap.
    :raises ValueError: naming the sub-step and its parts when a Dict space has non-Box parts.
    """

    conversion_type = BoxActionConversion
