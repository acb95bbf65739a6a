"""Helpers to build envs and policies from (Hydra) configs."""

from __future__ import annotations

from typing import Any

from maze.core.utils.factory import ConfigError, Factory


def make_env(env_config: Any, wrappers_config: Any = None, call_plugins: bool = True) -> Any:
    """Create the env of an ``env`` config and wrap it with the ``wrappers`` config.

    ``env_config`` may be a config mapping with ``_target_`` (a class or factory function returning a
    MazeEnv), a registered env name, or an env instance.
    """
    from maze.core.env.maze_env import MazeEnv
    from maze.core.plugins import get_plugin_manager
    from maze.core.wrappers.wrapper import Wrapper
    from maze.core.wrappers.wrapper_factory import WrapperFactory

    env = Factory(object, kind="env").instantiate(env_config)
    if not isinstance(env, (MazeEnv, Wrapper)):
        raise ConfigError(f"env config created a {type(env).__name__}, expected a MazeEnv (or a wrapped one)")
    env = WrapperFactory.wrap_from_config(env, wrappers_config)
    if call_plugins:
        pm = get_plugin_manager()
        pm.call_lifecycle("maze_env_created", env=env, config=env_config)
        for subscribers in pm.call_lifecycle("maze_event_subscribers", env=env):
            for subscriber in subscribers or []:
                env.maze_env.core_env.pubsub.register_subscriber(subscriber)
    return env


def make_policy(policy_config: Any, env: Any, call_plugins: bool = True) -> Any:
    """Create the policy of a ``policy`` config; the env's spaces are offered to its constructor."""
    from maze.core.agent.policy import Policy
    from maze.core.plugins import get_plugin_manager

    policy = Factory(Policy, kind="policy").instantiate(
        policy_config,
        _optional_kwargs={
            "action_spaces_dict": env.action_spaces_dict,
            "observation_spaces_dict": env.observation_spaces_dict,
            "agent_counts_dict": env.agent_counts_dict,
            "action_mask_keys": getattr(env, "action_mask_keys", None),
        },
    )
    if call_plugins:
        get_plugin_manager().call_lifecycle("maze_policy_created", policy=policy, config=policy_config)
    return policy


def list_to_dict(list_or_dict: Any) -> dict:
    """``[a, b]`` → ``{0: a, 1: b}``; mappings are returned as dicts."""
    if isinstance(list_or_dict, dict):
        return list_or_dict
    return dict(enumerate(list_or_dict))
