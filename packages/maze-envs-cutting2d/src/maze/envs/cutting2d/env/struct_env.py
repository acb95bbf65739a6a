"""The structured Cutting-2D env: piece selection, then cutting configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.maze_env import MazeEnv
from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.env.structured_env import ActorID, StructuredEnv
from maze.core.env.structured_env_spaces_mixin import StructuredEnvSpacesMixin
from maze.core.utils.factory import Factory, to_plain
from maze.core.wrappers.wrapper import Wrapper
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction
from maze.envs.cutting2d.env.maze_env import Cutting2DEnvironment

_ACTORS = (ActorID(0, 0), ActorID(1, 0))
_ZERO_PIECE = (0, 0)


class StructuredCutting2DEnvironment(StructuredEnv, StructuredEnvSpacesMixin, SimulatedEnvMixin, Wrapper):
    """Structured version of the Cutting-2D env: every core step takes two sub-steps.

    * sub-step ``0`` (piece selection): observation = the flat observation (``inventory``,
      ``inventory_size``, ``ordered_piece``), action ``{"piece_idx"}``; reward 0, the env does not
      advance (the core step is kept open, so events of both sub-steps count for one step).
    * sub-step ``1`` (cutting): observation ``{"selected_piece", "ordered_piece"}`` (the selected
      piece is ``(0, 0)`` for an empty slot), action ``{"cut_rotation", "cut_order"}``; the flat env
      steps with the joint action and its reward is returned.

    The env wraps the flat env (like the tutorial's): ``isinstance(env, Cutting2DEnvironment)`` holds and
    unknown attributes (``core_env``, ``get_maze_state``...) are forwarded to it. (Base class order: the
    structured interfaces first, so that wrapping it again keeps ``isinstance`` consistent.)

    ``get_actor_rewards()`` attributes half of the last core step's reward to each of the two actors.

    :param maze_env: the flat :class:`Cutting2DEnvironment` to wrap (an instance or its config); or give
        its arguments instead (``core_env``, ``action_conversion``, ``observation_conversion``) so that
        the flat and structured env configs share one layout.
    :param core_env: arguments of the flat env's core env (used when ``maze_env`` is not given).
    :param action_conversion: the flat env's action conversion (optional).
    :param observation_conversion: the flat env's observation conversion (optional).
    :param render_mode: gymnasium render mode of the flat env.
    """

    def __init__(self, maze_env: Any = None, core_env: Any = None, action_conversion: Any = None,
                 observation_conversion: Any = None, render_mode: str | None = None) -> None:
        if maze_env is None:
            if core_env is None:
                raise ValueError(f"{type(self).__name__} needs 'maze_env' (a flat Cutting2DEnvironment) or 'core_env'")
            maze_env = Cutting2DEnvironment(core_env, action_conversion, observation_conversion, render_mode=render_mode)
        else:
            maze_env = to_plain(maze_env)
            if isinstance(maze_env, Mapping) and "_target_" not in maze_env:
                maze_env = Cutting2DEnvironment(**maze_env)
            else:
                maze_env = Factory(MazeEnv, kind="env").instantiate(maze_env)
        Wrapper.__init__(self, maze_env)
        core = maze_env.core_env
        self._core = core
        self._context = core.context
        flat_action_space = maze_env.action_spaces_dict[0]
        flat_obs_space = maze_env.observation_spaces_dict[0]
        self._action_spaces_dict = {
            0: gym.spaces.Dict({"piece_idx": flat_action_space["piece_idx"]}),
            1: gym.spaces.Dict({"cut_rotation": flat_action_space["cut_rotation"],
                                "cut_order": flat_action_space["cut_order"]}),
        }
        piece_space = flat_obs_space["ordered_piece"]
        self._observation_spaces_dict = {
            0: gym.spaces.Dict(dict(flat_obs_space.spaces)),
            1: gym.spaces.Dict({"selected_piece": piece_space, "ordered_piece": piece_space}),
        }
        self._sub_step_key = 0
        self._piece_idx = 0
        self._last_reward = 0.0

    # ------------------------------------------------------------------ gymnasium API
    def step(self, action: dict[str, Any]) -> tuple[dict[str, np.ndarray], float, bool, bool, dict]:
        """Sub-step 0 records the selected piece; sub-step 1 steps the flat env with the joint action."""
        if self._sub_step_key == 0:
            ctx = self._context
            ctx.pre_step()
            ctx.keep_step_open()  # the core step ends with the cutting sub-step
            ctx.post_step()
            idx = int(action["piece_idx"])
            self._piece_idx = idx
            self._sub_step_key = 1
            pieces = self._core.inventory.pieces
            piece = pieces[idx] if 0 <= idx < len(pieces) else _ZERO_PIECE
            return self._cutting_observation(piece, self._core.current_demand), 0.0, False, False, {}

        flat_action = {"piece_idx": self._piece_idx, "cut_rotation": action["cut_rotation"],
                       "cut_order": action["cut_order"]}
        flat_obs, reward, terminated, truncated, info = self.env.step(flat_action)
        self._last_reward = reward
        self._sub_step_key = 0
        return self._selection_observation(flat_obs, self._core.get_maze_state()), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict[str, np.ndarray], dict]:
        """Reset the flat env; the next actor is the piece selection (sub-step 0)."""
        flat_obs, info = self.env.reset(seed=seed, options=options)
        self._sub_step_key = 0
        self._piece_idx = 0
        self._last_reward = 0.0
        return self._selection_observation(flat_obs, self._core.get_maze_state()), info

    def clone_from(self, env: StructuredCutting2DEnvironment) -> None:
        """Reset this env to the current state of ``env`` (another structured Cutting-2D env, also mid core step)."""
        if not isinstance(env, StructuredCutting2DEnvironment):
            raise TypeError(f"{type(self).__name__}.clone_from needs a structured Cutting-2D env, got {type(env).__name__}")
        self.env.clone_from(env.maze_env)
        self._sub_step_key = env._sub_step_key
        self._piece_idx = env._piece_idx
        self._last_reward = env._last_reward

    def seed(self, seed: int | None) -> None:
        """Seed the flat env for the following episodes."""
        self.env.seed(seed)

    def close(self) -> None:
        self.env.close()

    # ------------------------------------------------------------------ observations (overridden by the masked env)
    def _selection_observation(self, flat_obs: dict[str, np.ndarray], maze_state: Any) -> dict[str, np.ndarray]:
        """Observation of sub-step 0 (the flat observation, a fresh dict of fresh arrays)."""
        return flat_obs

    def _cutting_observation(self, piece: tuple[int, int], demand: tuple[int, int]) -> dict[str, np.ndarray]:
        """Observation of sub-step 1 for the selected ``piece`` and the order ``demand``."""
        return {"selected_piece": np.array(piece, dtype=np.float32), "ordered_piece": np.array(demand, dtype=np.float32)}

    # ------------------------------------------------------------------ structured env
    def actor_id(self) -> ActorID:
        """``(0, 0)`` for the piece selection, ``(1, 0)`` for the cutting configuration."""
        return _ACTORS[self._sub_step_key]

    def is_actor_done(self) -> bool:
        return False

    @property
    def agent_counts_dict(self) -> dict[int, int]:
        """One agent in each of the two sub-steps."""
        return {0: 1, 1: 1}

    def get_actor_rewards(self) -> np.ndarray:
        """Half of the last core step's reward for each of the two actors."""
        return np.array([self._last_reward / 2.0] * 2)

    @property
    def action_space(self) -> gym.spaces.Dict:  # type: ignore[override]
        return self._action_spaces_dict[self._sub_step_key]

    @property
    def observation_space(self) -> gym.spaces.Dict:  # type: ignore[override]
        return self._observation_spaces_dict[self._sub_step_key]

    @property
    def action_spaces_dict(self) -> dict[int, gym.spaces.Dict]:
        return self._action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict[int, gym.spaces.Dict]:
        return self._observation_spaces_dict

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool
                                         ) -> tuple[dict | None, dict | None]:
        """Observations and actions of both sub-steps for a recorded (MazeState, MazeAction) pair.

        Both are needed: the cutting observation depends on the selected piece.
        """
        if maze_state is None or maze_action is None:
            raise ValueError(f"{type(self).__name__} needs both the MazeState and the MazeAction to build the "
                             "observations and actions of its two sub-steps")
        obs_dicts, act_dicts = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        flat_obs = next(iter(obs_dicts.values()))
        flat_action = next(iter(act_dicts.values()))
        idx = int(flat_action["piece_idx"])
        piece = maze_state.inventory[idx] if 0 <= idx < len(maze_state.inventory) else _ZERO_PIECE
        obs = {0: self._selection_observation(flat_obs, maze_state),
               1: self._cutting_observation(piece, maze_state.current_demand)}
        act = {0: {"piece_idx": flat_action["piece_idx"]},
               1: {"cut_rotation": flat_action["cut_rotation"], "cut_order": flat_action["cut_order"]}}
        return obs, act

    def joint_maze_action(self, cut_action: dict[str, Any]) -> Cutting2DMazeAction:
        """The MazeAction that the pending selection plus ``cut_action`` (sub-step 1) amount to."""
        return Cutting2DMazeAction(self._piece_idx, cut_action["cut_rotation"], cut_action["cut_order"])

    def __repr__(self) -> str:
        return f"<{type(self).__name__}{self.env!r}>"


def struct_env_factory(max_pieces_in_inventory: int, raw_piece_size: Any, static_demand: Any = None,
                       demand_generator: Any = None, reward_aggregator: Any = None,
                       max_steps: int | None = None) -> StructuredCutting2DEnvironment:
    """The structured Cutting-2D env (arguments: see :class:`Cutting2DCoreEnvironment`)."""
    from maze.envs.cutting2d.env.maze_env import make_cutting2d_env

    return StructuredCutting2DEnvironment(make_cutting2d_env(
        max_pieces_in_inventory, raw_piece_size, static_demand=static_demand, demand_generator=demand_generator,
        reward_aggregator=reward_aggregator, max_steps=max_steps))
