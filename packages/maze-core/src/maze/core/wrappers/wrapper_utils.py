"""Shared helpers of the built-in wrappers: per-sub-step spaces, step-key lookup, component resolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from maze.core.utils.factory import NAME_ALIAS_PREFIXES, ConfigError, resolve_type

#: Import-path prefixes used by the reference docs for registered components
#: (``maze.preprocessors.Rgb2GrayPreProcessor``, ``maze.normalization_strategies.RangeZero...``); kept under its old
#: name, the table lives in :mod:`maze.core.utils.factory`.
DOC_ALIAS_PREFIXES = NAME_ALIAS_PREFIXES


def observation_spaces_dict_of(env: Any) -> dict:
    """``env.observation_spaces_dict``, or ``{0: env.observation_space}`` for plain gymnasium envs."""
    try:
        return dict(env.observation_spaces_dict)
    except AttributeError:
        return {0: env.observation_space}


def action_spaces_dict_of(env: Any) -> dict:
    """``env.action_spaces_dict``, or ``{0: env.action_space}`` for plain gymnasium envs."""
    try:
        return dict(env.action_spaces_dict)
    except AttributeError:
        return {0: env.action_space}


def resolve_component(name: Any, kind: str, base_type: type, where: str) -> type:
    """Resolve a registered short name, a docs alias (``maze.preprocessors.X``) or an import path to a class.

    A thin wrapper of :func:`maze.core.utils.factory.resolve_type` (the one resolve-and-check helper).

    :param name: short name, alias or import path (classes are returned unchanged after the type check).
    :param kind: registry kind (``"preprocessor"``, ``"normalization_strategy"``).
    :param base_type: the class the result must derive from.
    :param where: config key of ``name`` for error messages.
    :raises ConfigError: unknown name (listing the registered names) or wrong type.
    """
    return resolve_type(name, base_type, key=where, kind=kind)


def as_mapping(value: Any, where: str) -> dict:
    """A plain dict from a mapping / OmegaConf node / ``None`` (→ ``{}``)."""
    from maze.core.utils.factory import to_plain

    value = to_plain(value)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}: {value!r}")
    return dict(value)


def sole_key(space: gym.spaces.Dict, what: str, step_key: Any) -> str:
    """The only key of a single-key Dict space; errors name the sub-step and the keys found."""
    if not isinstance(space, gym.spaces.Dict):
        raise TypeError(f"{what} space of sub-step {step_key!r} is not a Dict space: {space}")
    if len(space.spaces) != 1:
        raise ValueError(
            f"{what} space of sub-step {step_key!r} has {len(space.spaces)} keys {list(space.spaces)}; "
            f"only single-key Dict spaces can be replaced by their sub-space"
        )
    return next(iter(space.spaces))


class SubStepSpacesMixin:
    """Per-sub-step spaces for wrappers that change observation and/or action spaces.

    Call :meth:`_init_spaces` in ``__init__`` (after ``Wrapper.__init__``). Spaces set to ``None`` are
    forwarded to the wrapped env. ``observation_space`` / ``action_space`` return the space of the
    active sub-step (``env.actor_id().step_key``; flat envs skip that lookup).
    """

    _observation_spaces_dict: dict | None = None
    _action_spaces_dict: dict | None = None
    _flat_key: Any = None

    def _init_spaces(self, observation_spaces_dict: dict | None, action_spaces_dict: dict | None) -> None:
        self._observation_spaces_dict = observation_spaces_dict
        self._action_spaces_dict = action_spaces_dict
        keys = observation_spaces_dict if observation_spaces_dict is not None else action_spaces_dict
        if keys is None:
            keys = observation_spaces_dict_of(self.env)  # type: ignore[attr-defined]
        self._flat_key = next(iter(keys)) if len(keys) == 1 else None

    def _step_key(self) -> Any:
        """The active sub-step key."""
        if self._flat_key is not None:
            return self._flat_key
        return self.env.actor_id().step_key  # type: ignore[attr-defined]

    @property
    def observation_space(self) -> gym.spaces.Space:
        if self._observation_spaces_dict is None:
            return self.env.observation_space  # type: ignore[attr-defined]
        return self._observation_spaces_dict[self._step_key()]

    @property
    def action_space(self) -> gym.spaces.Space:
        if self._action_spaces_dict is None:
            return self.env.action_space  # type: ignore[attr-defined]
        return self._action_spaces_dict[self._step_key()]

    @property
    def observation_spaces_dict(self) -> dict:
        if self._observation_spaces_dict is None:
            return self.env.observation_spaces_dict  # type: ignore[attr-defined]
        return self._observation_spaces_dict

    @property
    def action_spaces_dict(self) -> dict:
        if self._action_spaces_dict is None:
            return self.env.action_spaces_dict  # type: ignore[attr-defined]
        return self._action_spaces_dict

    def actor_id(self) -> Any:
        """The active actor; plain (non-structured) gymnasium envs report ``ActorID(flat_key, 0)``."""
        try:
            return self.env.actor_id()  # type: ignore[attr-defined]
        except AttributeError:
            from maze.core.env.structured_env import ActorID

            return ActorID(self._flat_key if self._flat_key is not None else 0, 0)


def find_wrapper(env: Any, wrapper_type: type) -> Any | None:
    """The outermost wrapper of (real) type ``wrapper_type`` in ``env``'s wrapper stack, or ``None``."""
    current = env
    while current is not None:
        if type(current) is wrapper_type or issubclass(type(current), wrapper_type):
            return current
        current = current.__dict__.get("env") if hasattr(current, "__dict__") else None
    return None
