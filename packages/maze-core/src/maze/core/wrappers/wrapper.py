"""Wrapper bases. ``isinstance`` sees through any depth of wrapping.

A wrapped env reports a synthetic ``__class__`` that derives from the wrapper class *and* the
wrapped env's (reported) class, so ``isinstance(TimeLimitWrapper.wrap(cutting_env), CuttingEnv)`` is
true, while ``type(wrapper)`` stays the plain wrapper class (``super()`` and pickling behave normally).
Attributes the wrapper does not define are forwarded to the wrapped env via ``__getattr__`` (no cost on
attributes the wrapper defines).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Generic, Iterable, TypeVar

import gymnasium as gym

from maze.core.env.structured_env import ActorID

T = TypeVar("T", bound="Wrapper")
#: The type of the wrapped env (``Wrapper[MazeEnv]``, ``Wrapper[gymnasium.Env]``); for type checkers only.
EnvType = TypeVar("EnvType")

_SYNTHETIC_CLASSES: dict[tuple[type, type], type] = {}


def _synthetic_class(wrapper_cls: type, env_cls: type) -> type:
    key = (wrapper_cls, env_cls)
    cls = _SYNTHETIC_CLASSES.get(key)
    if cls is None:
        if issubclass(env_cls, wrapper_cls):  # the same wrapper class twice in the stack
            cls = env_cls
        else:
            name = f"{wrapper_cls.__name__}[{env_cls.__name__}]"
            for bases in ((wrapper_cls, env_cls), (env_cls, wrapper_cls)):
                try:
                    cls = type(name, bases, {"__module__": wrapper_cls.__module__})
                    break
                except TypeError:  # incompatible MRO or layout
                    continue
            else:
                cls = _lenient_synthetic_class(name, wrapper_cls, env_cls)
        _SYNTHETIC_CLASSES[key] = cls
    return cls


def _lenient_mro(cls: type) -> list[type]:
    """The wrapper's MRO followed by the wrapped env's classes that it does not hold yet (no C3 consistency)."""
    wrapper_cls, env_cls = cls.__bases__
    mro = [cls, *wrapper_cls.__mro__]
    mro += [c for c in env_cls.__mro__ if c not in mro]
    return mro


_LENIENT_METACLASSES: dict[type, type] = {}


def _lenient_synthetic_class(name: str, wrapper_cls: type, env_cls: type) -> type:
    """The synthetic class when neither base order has a consistent MRO.

    That is the case for wrappers that list ``Wrapper`` before the env interfaces the wrapped env derives from in
    another order, as the reference docs' structured env does (``class StructuredCutting2DEnvironment(Wrapper[MazeEnv],
    StructuredEnv, StructuredEnvSpacesMixin)`` around a ``MazeEnv``). The class only answers ``isinstance`` checks
    (attribute lookup uses the wrapper's own type), so its MRO is the wrapper's followed by the env's remaining
    classes. Falls back to ``wrapper_cls`` if the metaclasses or layouts do not combine.
    """
    wrapper_meta, env_meta = type(wrapper_cls), type(env_cls)
    meta = wrapper_meta if issubclass(wrapper_meta, env_meta) else env_meta if issubclass(env_meta, wrapper_meta) else None
    if meta is None:
        return wrapper_cls
    lenient = _LENIENT_METACLASSES.get(meta)
    if lenient is None:
        lenient = _LENIENT_METACLASSES[meta] = type(f"_Lenient{meta.__name__}", (meta,), {"mro": _lenient_mro})
    try:
        return lenient(name, (wrapper_cls, env_cls), {"__module__": wrapper_cls.__module__})
    except TypeError:  # incompatible layout
        return wrapper_cls


def _new_instance(cls: type) -> Any:
    return cls.__new__(cls)


class Wrapper(gym.Env, Generic[EnvType]):
    """Base of all Maze wrappers: forwards every call to ``self.env`` unless overridden.

    Create wrappers with :meth:`wrap` (``MyWrapper.wrap(env, **kwargs)``) or the constructor. The class is
    generic in the wrapped env's type for type checkers: ``class MyWrapper(Wrapper[MazeEnv])``.

    :param env: the env to wrap (a MazeEnv or another wrapper).
    """

    def __init__(self, env: EnvType) -> None:
        if env is None:
            raise TypeError(f"{type(self).__name__} needs an env to wrap, got None")
        self.env = env

    @classmethod
    def wrap(cls: type[T], env: Any, **kwargs: Any) -> T:
        """Wrap ``env``; the result is an instance of this wrapper and (for ``isinstance``) of the env's classes."""
        return cls(env, **kwargs)

    # --- isinstance transparency
    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105
        return _synthetic_class(type(self), self.env.__class__)

    def __getattr__(self, name: str) -> Any:
        if name == "env" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.env, name)

    def __reduce__(self):
        # pickle by the real type (``__class__`` reports the synthetic isinstance class)
        return (_new_instance, (type(self),), self.__dict__)

    def __getstate__(self) -> dict:
        return self.__dict__

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # --- gymnasium API
    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        return self.env.step(action)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        return self.env.reset(seed=seed, options=options)

    def seed(self, seed: Any) -> None:
        self.env.seed(seed)

    def close(self) -> None:
        self.env.close()

    def render(self) -> Any:
        return self.env.render()

    @property
    def action_space(self) -> gym.spaces.Space:  # type: ignore[override]
        return self.env.action_space

    @property
    def observation_space(self) -> gym.spaces.Space:  # type: ignore[override]
        return self.env.observation_space

    @property
    def action_spaces_dict(self) -> dict:
        return self.env.action_spaces_dict

    @property
    def observation_spaces_dict(self) -> dict:
        return self.env.observation_spaces_dict

    @property
    def metadata(self) -> dict:  # type: ignore[override]
        return self.env.metadata

    @property
    def render_mode(self) -> str | None:  # type: ignore[override]
        return self.env.render_mode

    @property
    def spec(self):  # type: ignore[override]
        return getattr(self.env, "spec", None)

    @property
    def np_random(self):  # type: ignore[override]
        return self.env.np_random

    @property
    def unwrapped(self) -> Any:
        return self.env.unwrapped

    # --- structured env / mixins (explicit so that wrappers can override them cleanly)
    def actor_id(self) -> ActorID:
        return self.env.actor_id()

    def is_actor_done(self) -> bool:
        return self.env.is_actor_done()

    @property
    def agent_counts_dict(self) -> dict:
        return self.env.agent_counts_dict

    def get_actor_rewards(self):
        return self.env.get_actor_rewards()

    def get_step_events(self) -> Iterable:
        return self.env.get_step_events()

    @property
    def maze_env(self) -> Any:
        """The innermost MazeEnv."""
        return self.env.maze_env

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        """Delegates to the wrapped env; observation/action wrappers post-process the result."""
        return self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}{self.env!r}>"


class ObservationWrapper(Wrapper[EnvType]):
    """Transforms observations with :meth:`observation` (on reset and step)."""

    @abstractmethod
    def observation(self, observation: Any) -> Any:
        """Transform one observation."""

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self.observation(obs), reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        return self.observation(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: self.observation(v) for k, v in obs_dict.items()}
        return obs_dict, act_dict


class ActionWrapper(Wrapper[EnvType]):
    """Transforms actions with :meth:`action` before they reach the wrapped env."""

    @abstractmethod
    def action(self, action: Any) -> Any:
        """Transform an agent action into the wrapped env's action."""

    def reverse_action(self, action: Any) -> Any:
        """Map a wrapped-env action back to this wrapper's action space (for replaying recordings)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement reverse_action")

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        return self.env.step(self.action(action))

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if act_dict is not None:
            act_dict = {k: self.reverse_action(v) for k, v in act_dict.items()}
        return obs_dict, act_dict


class RewardWrapper(Wrapper[EnvType]):
    """Transforms rewards with :meth:`reward`."""

    @abstractmethod
    def reward(self, reward: Any) -> Any:
        """Transform one reward."""

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, self.reward(reward), terminated, truncated, info
