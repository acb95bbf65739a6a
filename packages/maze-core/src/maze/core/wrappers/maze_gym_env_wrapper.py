"""Gymnasium envs as MazeEnvs: ``GymMazeEnv("CartPole-v1")``."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.env.action_conversion import ActionConversionInterface
from maze.core.env.core_env import CoreEnv
from maze.core.env.maze_env import MazeEnv
from maze.core.env.observation_conversion import ObservationConversionInterface
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.env.simulated_env_mixin import SimulatedEnvMixin
from maze.core.rendering.gym_renderer import GymRenderer

__all__ = ["GymActionConversion", "GymCoreEnv", "GymMazeEnv", "GymObservationConversion", "GymRenderer",
           "GymRewardAggregator", "make_gym_maze_env"]


class GymRewardAggregator(RewardAggregatorInterface):
    """A reward aggregator that simply repeats the gym env's original reward (the reward aggregator of
    :class:`GymCoreEnv`; it subscribes to no events)."""

    def __init__(self) -> None:
        super().__init__()
        #: the reward of the gym env's last step (set by :class:`GymCoreEnv`)
        self.reward: Any = 0.0

    def get_interfaces(self) -> list[type]:
        """Nothing to subscribe to: the gym env computes its reward itself."""
        return []

    def summarize_reward(self, maze_state: Any | None = None) -> Any:
        """The gym env's reward of the last step."""
        return self.reward

    @classmethod
    def to_scalar_reward(cls, reward: Any) -> float:
        """Gym rewards are scalars already."""
        return float(reward)


class GymCoreEnv(CoreEnv):
    """A core env around a gymnasium env: the MazeState is the gym observation, the MazeAction the gym action.

    Its reward aggregator is a :class:`GymRewardAggregator` that repeats the gym env's reward.

    :param env: the gymnasium env instance.
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__()
        self.env = env
        self._state: Any = None
        self._gym_step = env.step
        self.reward_aggregator: GymRewardAggregator = GymRewardAggregator()

    def step(self, maze_action: Any) -> tuple[Any, Any, bool, bool, dict]:
        state, reward, terminated, truncated, info = self._gym_step(maze_action)
        self._state = state
        self.reward_aggregator.reward = reward
        return state, reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        self._state, info = self.env.reset(seed=seed, options=options)
        return self._state, info

    def clone_from(self, other: GymCoreEnv) -> None:
        """Reset this env to the state of ``other`` (a deep copy of its gymnasium env, state and step counter).

        :raises TypeError: if the gymnasium env cannot be deep-copied (e.g. envs holding native simulator handles).
        """
        import copy

        name = getattr(getattr(other.env, "spec", None), "id", None) or type(other.env.unwrapped).__name__
        try:
            env = copy.deepcopy(other.env)
        except Exception as exc:  # noqa: BLE001 - any copy failure means: this env cannot be cloned
            raise TypeError(f"cannot clone the gymnasium env {name}: it cannot be deep-copied "
                            f"({type(exc).__name__}: {exc})") from exc
        # native objects (e.g. Box2D bodies) may "copy" to None without an error: such a copy is unusable
        lost = sorted(k for k, v in vars(other.env.unwrapped).items()
                      if v is not None and vars(env.unwrapped).get(k, v) is None)
        if lost:
            raise TypeError(f"cannot clone the gymnasium env {name}: deep-copying it loses {lost} (native simulator "
                            "state that Python cannot copy)")
        self.env = env
        self._gym_step = env.step
        self._state = copy.deepcopy(other._state)
        self.reward_aggregator.reward = other.reward_aggregator.reward
        self.context.clone_from(other.context)

    def seed(self, seed: Any) -> None:
        """Seed the gym env's RNG and its spaces (takes effect immediately, as gymnasium has no seed())."""
        self.env.reset(seed=int(seed))
        self.env.action_space.seed(int(seed))

    def get_maze_state(self) -> Any:
        return self._state

    def close(self) -> None:
        self.env.close()

    def get_renderer(self) -> Any:
        return GymRenderer(self.env)


class GymObservationConversion(ObservationConversionInterface):
    """Gym observation ↔ dict observation. Dict spaces pass through; other spaces become ``{"observation": obs}``."""

    def __init__(self, env: gym.Env | None = None, observation_space: gym.spaces.Space | None = None) -> None:
        space = observation_space if observation_space is not None else env.observation_space  # type: ignore[union-attr]
        self._is_dict = isinstance(space, gym.spaces.Dict)
        self._space = space if self._is_dict else gym.spaces.Dict({"observation": space})

    def maze_to_space(self, maze_state: Any) -> dict[str, Any]:
        if self._is_dict:
            return maze_state
        return {"observation": maze_state}

    def space_to_maze(self, observation: dict[str, Any]) -> Any:
        return observation if self._is_dict else observation["observation"]

    def space(self) -> gym.spaces.Dict:
        return self._space


class GymActionConversion(ActionConversionInterface):
    """Dict action ↔ gym action. Dict spaces pass through; other spaces read ``action["action"]``."""

    def __init__(self, env: gym.Env | None = None, action_space: gym.spaces.Space | None = None) -> None:
        space = action_space if action_space is not None else env.action_space  # type: ignore[union-attr]
        self._is_dict = isinstance(space, gym.spaces.Dict)
        self._space = space if self._is_dict else gym.spaces.Dict({"action": space})

    def space_to_maze(self, action: dict[str, Any], maze_state: Any) -> Any:
        if self._is_dict:
            return action
        try:
            return action["action"]
        except (KeyError, TypeError, IndexError):
            raise ValueError(
                f"expected an action dict with key 'action' for space {self._space}, got {action!r}"
            ) from None

    def maze_to_space(self, maze_action: Any) -> dict[str, Any]:
        if self._is_dict:
            return maze_action
        return {"action": maze_action}

    def noop_action(self) -> dict[str, Any]:
        space = self._space["action"]
        if isinstance(space, gym.spaces.Discrete):
            return {"action": int(space.start)}
        if isinstance(space, gym.spaces.Box):
            return {"action": np.zeros(space.shape, dtype=space.dtype)}
        raise NotImplementedError(f"no noop action for {space}")

    def space(self) -> gym.spaces.Dict:
        return self._space


class GymMazeEnv(MazeEnv[GymCoreEnv], SimulatedEnvMixin):
    """A gymnasium env as a MazeEnv with dict spaces.

    It is a simulated env: :meth:`clone_from` resets it to the state of another ``GymMazeEnv`` of the same
    gymnasium env (for envs whose state can be deep-copied, e.g. the classic-control envs).

    :param env: a gymnasium env id (``"CartPole-v1"``) or instance.
    :param render_mode: passed to ``gymnasium.make`` when ``env`` is an id.
    :param kwargs: extra keyword arguments for ``gymnasium.make``.
    """

    def __init__(self, env: str | gym.Env, render_mode: str | None = None, **kwargs: Any) -> None:
        if isinstance(env, str):
            try:
                env = gym.make(env, render_mode=render_mode, disable_env_checker=True, **kwargs)
            except (gym.error.Error, TypeError) as exc:
                from maze.core.utils.factory import ConfigError

                unknown = isinstance(exc, (gym.error.NameNotFound, gym.error.NamespaceNotFound,
                                           gym.error.VersionNotFound, gym.error.UnregisteredEnv))
                hint = (" (valid names: gymnasium's registry, e.g. CartPole-v1; "
                        "python -c 'import gymnasium; gymnasium.pprint_registry()' lists them)") if unknown else ""
                raise ConfigError(f"env.name={env!r}: cannot create this gymnasium env with arguments {kwargs}: "
                                  f"{exc}{hint}") from exc
        elif not isinstance(env, gym.Env):
            raise TypeError(f"GymMazeEnv expects a gymnasium env id or gymnasium.Env instance, got {type(env).__name__}")
        self.gym_env = env
        super().__init__(
            core_env=GymCoreEnv(env),
            action_conversion_dict={0: GymActionConversion(env)},
            observation_conversion_dict={0: GymObservationConversion(env)},
            render_mode=getattr(env, "render_mode", render_mode),
        )
        self.spec = env.spec
        self.metadata = dict(getattr(env, "metadata", {}) or {})
        self.metadata.setdefault("render_modes", [])

    def render(self) -> Any:
        return self.gym_env.render()


    def clone_from(self, env: GymMazeEnv) -> None:
        """Reset this env to the current state of ``env`` (another ``GymMazeEnv``; it is not changed).

        :raises TypeError: if ``env`` is no ``GymMazeEnv`` or its gymnasium env cannot be deep-copied.
        """
        if not isinstance(env, GymMazeEnv):
            raise TypeError(f"GymMazeEnv.clone_from needs another GymMazeEnv, got {type(env).__name__}")
        self.core_env.clone_from(env.core_env)
        self.gym_env = self.core_env.env


def make_gym_maze_env(name: str, **kwargs: Any) -> GymMazeEnv:
    """Create a :class:`GymMazeEnv` from a gymnasium env id."""
    return GymMazeEnv(name, **kwargs)
