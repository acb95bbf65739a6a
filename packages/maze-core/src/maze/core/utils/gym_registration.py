"""Register Maze envs with gymnasium under the ``maze/`` namespace (``gymnasium.make("maze/Cutting2D-v0")``).

gymnasium ≥ 1.0 has no plugin discovery (gym 0.26's ``gymnasium.envs`` entry points are gone): an env id
exists once the module that registers it is imported. Maze distributions therefore register their ids when
their package is imported, and so should plugins::

    # my_stock/__init__.py
    from maze.core.utils.gym_registration import register_maze_env

    register_maze_env("maze/Stock-v0", env_config="my_stock")            # built from the env/my_stock config
    register_maze_env("maze/StockSmall-v0", "my_stock.env:StockMazeEnv", kwargs={"capacity": 5})

Users then write ``import my_stock`` (or ``gymnasium.register_envs(my_stock)``) before ``gymnasium.make``, or
let gymnasium import it: ``gymnasium.make("my_stock:maze/Stock-v0")``. The envs are MazeEnvs (gymnasium envs
with Dict spaces); wrap flat ones with ``NoDictSpacesWrapper`` for frameworks without Dict spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import EnvSpec, parse_env_id

#: The gymnasium namespace of Maze envs.
MAZE_NAMESPACE = "maze"

#: gymnasium entry point of envs registered with ``env_config``: builds the env of a Hydra ``env`` option.
CONFIG_ENTRY_POINT = "maze.core.utils.config_utils:make_env_from_options"


def register_maze_env(env_id: str, entry_point: str | Callable[..., Any] | None = None, *,
                      env_config: str | None = None, wrappers_config: str | None = None,
                      max_episode_steps: int | None = None, kwargs: Mapping[str, Any] | None = None,
                      **spec_kwargs: Any) -> EnvSpec:
    """Register a Maze env with gymnasium (idempotent for an identical registration).

    Give either ``entry_point`` (a callable or ``"module:attr"`` returning a MazeEnv / gymnasium env) or
    ``env_config``, the name of an option of the Hydra ``env`` group on the Maze config search path
    (``"cutting2d_flat"``): the env is then built from that config exactly as ``maze-run env=<option>`` builds
    it, so defaults live in one place. ``gymnasium.make(id, **kw)`` passes ``kw`` (and ``render_mode``) on as
    constructor arguments of the env config.

    :param env_id: ``"maze/<Name>-v<N>"``; an id without namespace gets the ``maze/`` namespace.
    :param entry_point: factory of the env (exclusive with ``env_config``).
    :param env_config: option of the ``env`` config group to build the env from.
    :param wrappers_config: option of the ``wrappers`` group applied on top (``env_config`` only).
    :param max_episode_steps: gymnasium's TimeLimit (``None``: the env's own episode end).
    :param kwargs: default keyword arguments of the entry point (env constructor arguments with ``env_config``).
    :param spec_kwargs: further :func:`gymnasium.register` arguments (``reward_threshold``, ``nondeterministic``, ...).
    :return: the registered :class:`gymnasium.envs.registration.EnvSpec`.
    :raises ValueError: malformed id, both or neither of ``entry_point``/``env_config``, or the id is already
        registered with another entry point or other arguments (naming both).
    """
    env_id = _maze_id(env_id)
    if (entry_point is None) == (env_config is None):
        raise ValueError(f"register_maze_env({env_id!r}): give exactly one of entry_point and env_config, "
                         f"got entry_point={entry_point!r}, env_config={env_config!r}")
    if wrappers_config is not None and env_config is None:
        raise ValueError(f"register_maze_env({env_id!r}): wrappers_config needs env_config (a Hydra env option)")
    spec_args = dict(kwargs or {})
    if env_config is not None:
        if not isinstance(env_config, str) or not env_config:
            raise ValueError(f"register_maze_env({env_id!r}): env_config must be an env option name, got {env_config!r}")
        spec_args = {"env": env_config, **({"wrappers": wrappers_config} if wrappers_config else {}), **spec_args}
        entry_point = CONFIG_ENTRY_POINT
    existing = gym.registry.get(env_id)
    if existing is not None:
        if (existing.entry_point, existing.kwargs, existing.max_episode_steps) == (entry_point, spec_args, max_episode_steps):
            return existing
        raise ValueError(
            f"gymnasium env id {env_id!r} is already registered with entry point {existing.entry_point!r} "
            f"(kwargs {existing.kwargs}); cannot register it again with {entry_point!r} (kwargs {spec_args})"
        )
    gym.register(id=env_id, entry_point=entry_point, max_episode_steps=max_episode_steps, kwargs=spec_args,
                 **spec_kwargs)
    return gym.registry[env_id]


def maze_env_ids() -> list[str]:
    """The registered gymnasium ids in the ``maze/`` namespace (of the packages imported so far)."""
    return sorted(env_id for env_id, spec in gym.registry.items() if spec.namespace == MAZE_NAMESPACE)


def _maze_id(env_id: str) -> str:
    if not isinstance(env_id, str):
        raise ValueError(f"a gymnasium env id must be a string like 'maze/MyEnv-v0', got {env_id!r}")
    try:
        namespace, name, version = parse_env_id(env_id)
    except gym.error.Error as exc:
        raise ValueError(f"malformed gymnasium env id {env_id!r}: expected 'maze/<Name>-v<N>'") from exc
    if version is None:
        raise ValueError(f"gymnasium env id {env_id!r} has no version: expected 'maze/<Name>-v<N>'")
    return f"{namespace or MAZE_NAMESPACE}/{name}-v{version}"
