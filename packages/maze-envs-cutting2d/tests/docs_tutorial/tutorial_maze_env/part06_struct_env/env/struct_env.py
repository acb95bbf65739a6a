"""Tutorial part 6: the structured Cutting-2D env (gymnasium adaptation: 5-tuple ``step``, ``reset`` -> ``(obs, info)``).

Every core step takes two sub-steps: sub-step 0 selects the piece to cut, sub-step 1 the cutting configuration
(rotation and order), conditioned on the selected piece. The flat env of this part is stepped once, with the joint
action, in sub-step 1.
"""

from copy import deepcopy
from typing import Any, Union

import gymnasium as gym
import numpy as np

from maze.core.env.maze_action import MazeActionType
from maze.core.env.maze_env import MazeEnv
from maze.core.env.maze_state import MazeStateType
from maze.core.env.structured_env import ActorID, StructuredEnv
from maze.core.env.structured_env_spaces_mixin import StructuredEnvSpacesMixin
from maze.core.wrappers.wrapper import Wrapper

from .maze_env import maze_env_factory


class StructuredCutting2DEnvironment(Wrapper[MazeEnv], StructuredEnv, StructuredEnvSpacesMixin):
    """The flat Cutting-2D env as a structured env alternating between piece selection and cutting.

    :param maze_env: the flat Cutting-2D env to wrap.
    """

    def __init__(self, maze_env: MazeEnv):
        Wrapper.__init__(self, maze_env)

        # the action spaces of the two sub-steps
        self._action_spaces_dict = {
            0: gym.spaces.Dict({"piece_idx": maze_env.action_space["piece_idx"]}),
            1: gym.spaces.Dict({"cut_rotation": maze_env.action_space["cut_rotation"],
                                "cut_order": maze_env.action_space["cut_order"]}),
        }
        # the observation spaces of the two sub-steps
        flat_space = maze_env.observation_space
        self._observation_spaces_dict = {
            0: gym.spaces.Dict(dict(flat_space.spaces)),
            1: gym.spaces.Dict({"selected_piece": flat_space["ordered_piece"],
                                "ordered_piece": flat_space["ordered_piece"]}),
        }

        self._flat_obs: dict[str, np.ndarray] | None = None
        self._action_0: dict[str, int] | None = None
        self._sub_step_key = 0
        self._last_reward = 0.0  # reward of the last step of the flat env

    def step(self, action: dict[str, Any]) -> tuple[dict[str, np.ndarray], float, bool, bool, dict]:
        """One sub-step: piece selection (0) or cutting (1), alternating.

        :return: obs, reward, terminated, truncated, info.
        """
        if self._sub_step_key == 0:
            result = self._selection_step(action)
        elif self._sub_step_key == 1:
            result = self._cutting_step(action)
        else:
            raise ValueError(f"sub-step {self._sub_step_key} does not exist in this env")
        self._sub_step_key = (self._sub_step_key + 1) % 2
        return result

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict[str, np.ndarray], dict]:
        """Reset the flat env; the next sub-step is the piece selection."""
        self._flat_obs, info = self.env.reset(seed=seed, options=options)
        self._sub_step_key = 0
        return self._obs_selection_step(self._flat_obs), info

    @staticmethod
    def _obs_selection_step(flat_obs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The observation of the piece selection: the flat observation."""
        return deepcopy(flat_obs)

    @staticmethod
    def _obs_cutting_step(flat_obs: dict[str, np.ndarray], selected_piece_idx: int) -> dict[str, np.ndarray]:
        """The observation of the cutting sub-step: the selected piece and the order."""
        return {"selected_piece": flat_obs["inventory"][selected_piece_idx],
                "ordered_piece": flat_obs["ordered_piece"]}

    def _selection_step(self, action: dict[str, int]) -> tuple[dict[str, np.ndarray], float, bool, bool, dict]:
        """Remember the selected piece; the flat env does not move."""
        self._action_0 = action
        return self._obs_cutting_step(self._flat_obs, action["piece_idx"]), 0.0, False, False, {}

    def _cutting_step(self, action: dict[str, int]) -> tuple[dict[str, np.ndarray], float, bool, bool, dict]:
        """Step the flat env with the selected piece and this cutting configuration."""
        flat_action = {"piece_idx": self._action_0["piece_idx"], "cut_rotation": action["cut_rotation"],
                       "cut_order": action["cut_order"]}
        self._flat_obs, self._last_reward, terminated, truncated, info = self.env.step(flat_action)
        return self._obs_selection_step(self._flat_obs), self._last_reward, terminated, truncated, info

    def actor_id(self) -> ActorID:
        """The acting actor: ``(sub-step, agent 0)``."""
        return ActorID(step_key=self._sub_step_key, agent_id=0)

    def get_actor_rewards(self) -> np.ndarray | None:
        """The reward of the last step, split between the two actors (half each)."""
        return np.array([self._last_reward / 2.0] * 2)

    @property
    def agent_counts_dict(self) -> dict[Union[str, int], int]:
        """One agent in each of the two sub-steps."""
        return {0: 1, 1: 1}

    def is_actor_done(self) -> bool:
        """No actor is done before the episode ends."""
        return False

    @property
    def action_space(self) -> gym.spaces.Dict:
        """The action space of the current sub-step."""
        return self._action_spaces_dict[self._sub_step_key]

    @property
    def observation_space(self) -> gym.spaces.Dict:
        """The observation space of the current sub-step."""
        return self._observation_spaces_dict[self._sub_step_key]

    @property
    def action_spaces_dict(self) -> dict[Union[int, str], gym.spaces.Dict]:
        """The action spaces of both sub-steps."""
        return self._action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict[Union[int, str], gym.spaces.Dict]:
        """The observation spaces of both sub-steps."""
        return self._observation_spaces_dict

    def seed(self, seed: int | None = None) -> None:
        """Seed the flat env."""
        self.env.seed(seed)

    def close(self) -> None:
        """Close the flat env."""
        self.env.close()

    def get_observation_and_action_dicts(self, maze_state: MazeStateType | None, maze_action: MazeActionType | None,
                                         first_step_in_episode: bool
                                         ) -> tuple[dict[Union[int, str], Any] | None, dict[Union[int, str], Any] | None]:
        """The observations and actions of both sub-steps for a recorded MazeState and MazeAction (both needed)."""
        assert maze_state is not None and maze_action is not None, \
            "the structured env needs both the MazeState and the MazeAction to convert them into its two sub-steps"
        observation_dict, action_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action,
                                                                                  first_step_in_episode)
        assert len(observation_dict) == 1 and len(action_dict) == 1, "the wrapped env must be flat"
        flat_action = next(iter(action_dict.values()))
        flat_obs = next(iter(observation_dict.values()))
        obs_dict = {0: self._obs_selection_step(flat_obs),
                    1: self._obs_cutting_step(flat_obs, flat_action["piece_idx"])}
        act_dict = {0: {"piece_idx": flat_action["piece_idx"]},
                    1: {k: flat_action[k] for k in ["cut_rotation", "cut_order"]}}
        return obs_dict, act_dict


def struct_env_factory(max_pieces_in_inventory: int, raw_piece_size: tuple[int, int],
                       static_demand: list[tuple[int, int]]) -> StructuredCutting2DEnvironment:
    """The trainable structured env (see :func:`maze_env_factory` for the arguments)."""
    env = maze_env_factory(max_pieces_in_inventory=max_pieces_in_inventory, raw_piece_size=raw_piece_size,
                           static_demand=static_demand)
    return StructuredCutting2DEnvironment(env)
