"""The flat Cutting-2D MazeEnv and its factories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.envs.cutting2d.env.core_env import Cutting2DCoreEnvironment
from maze.envs.cutting2d.space_interfaces.dict_action_conversion import ActionConversion
from maze.envs.cutting2d.space_interfaces.dict_observation_conversion import ObservationConversion


def _single(value: Any, what: str) -> Any:
    """Accept one config/instance or a list holding exactly one (the docs' list format)."""
    value = to_plain(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) != 1:
            raise ConfigError(f"{what}: expected one conversion (or a list of one), got a list of {len(value)}")
        return value[0]
    if isinstance(value, Mapping) and "_target_" not in value and len(value) == 1 and 0 in value:
        return value[0]
    return value


def _build_core_env(core_env: Any) -> CoreEnv:
    core_env = to_plain(core_env)
    if isinstance(core_env, CoreEnv):
        return core_env
    if isinstance(core_env, Mapping) and "_target_" not in core_env:
        try:
            return Cutting2DCoreEnvironment(**core_env)
        except TypeError as exc:
            raise ConfigError(f"env.core_env: {exc} (arguments of Cutting2DCoreEnvironment expected)") from exc
    return Factory(CoreEnv, kind="env").instantiate(core_env)


class Cutting2DEnvironment(MazeEnv[Cutting2DCoreEnvironment], SimulatedEnvMixin):
    """The flat (single sub-step) Cutting-2D MazeEnv with dict observations and actions.

    It is a simulated env: :meth:`clone_from` resets it to the state of another Cutting-2D env (e.g. for planning).

    :param core_env: a :class:`Cutting2DCoreEnvironment`, or its arguments as a mapping (a mapping with
        ``_target_`` selects another core env class).
    :param action_conversion: an action conversion, its config, or a list of one (default: the dict
        :class:`ActionConversion`).
    :param observation_conversion: an observation conversion, its config, or a list of one (default: the
        dict :class:`ObservationConversion`).
    :param render_mode: gymnasium render mode (``None``, ``"human"``, ``"rgb_array"``).
    """

    def __init__(self, core_env: Any, action_conversion: Any = None, observation_conversion: Any = None,
                 render_mode: str | None = None) -> None:
        core = _build_core_env(core_env)
        max_pieces = getattr(core, "max_pieces_in_inventory", None)
        raw = getattr(core, "raw_piece_size", None)
        action_conversion = _single(action_conversion, "env.action_conversion")
        observation_conversion = _single(observation_conversion, "env.observation_conversion")
        if action_conversion is None:
            action_conversion = ActionConversion(max_pieces_in_inventory=max_pieces)
        if observation_conversion is None:
            observation_conversion = ObservationConversion(raw_piece_size=raw, max_pieces_in_inventory=max_pieces)
        action_conversion = Factory(ActionConversionInterface).instantiate(action_conversion)
        observation_conversion = Factory(ObservationConversionInterface).instantiate(observation_conversion)
        if max_pieces is not None and getattr(observation_conversion, "max_pieces_in_inventory", max_pieces) != max_pieces:
            raise ConfigError(
                f"env.observation_conversion.max_pieces_in_inventory={observation_conversion.max_pieces_in_inventory} "
                f"differs from the core env's max_pieces_in_inventory={max_pieces}"
            )
        if max_pieces is not None and getattr(action_conversion, "max_pieces_in_inventory", max_pieces) != max_pieces:
            raise ConfigError(
                f"env.action_conversion.max_pieces_in_inventory={action_conversion.max_pieces_in_inventory} "
                f"differs from the core env's max_pieces_in_inventory={max_pieces}"
            )
        super().__init__(core_env=core, action_conversion_dict={0: action_conversion},
                         observation_conversion_dict={0: observation_conversion}, render_mode=render_mode)


    def clone_from(self, env: Cutting2DEnvironment) -> None:
        """Reset this env to the current state of ``env`` (another flat Cutting-2D env; it is not changed)."""
        if not isinstance(env, Cutting2DEnvironment):
            raise TypeError(f"Cutting2DEnvironment.clone_from needs another Cutting2DEnvironment, got {type(env).__name__}")
        self.core_env.clone_from(env.maze_env.core_env)


def make_cutting2d_env(max_pieces_in_inventory: int, raw_piece_size: Sequence[int], static_demand: Any = None,
                       demand_generator: Any = None, reward_aggregator: Any = None, max_steps: int | None = None,
                       render_mode: str | None = None) -> Cutting2DEnvironment:
    """The flat Cutting-2D MazeEnv with dict conversions (arguments: see :class:`Cutting2DCoreEnvironment`)."""
    core_env = Cutting2DCoreEnvironment(max_pieces_in_inventory=max_pieces_in_inventory, raw_piece_size=raw_piece_size,
                                        static_demand=static_demand, demand_generator=demand_generator,
                                        reward_aggregator=reward_aggregator, max_steps=max_steps)
    return Cutting2DEnvironment(core_env, render_mode=render_mode)


def maze_env_factory(max_pieces_in_inventory: int, raw_piece_size: Sequence[int], static_demand: Any,
                     max_steps: int | None = None) -> Cutting2DEnvironment:
    """The tutorial's factory: flat env with a static demand and the default reward
    (``invalid_action_penalty=-2``, ``raw_piece_usage_penalty=-1``)."""
    return make_cutting2d_env(max_pieces_in_inventory, raw_piece_size, static_demand=static_demand, max_steps=max_steps)
