"""Helpers to build envs and policies from (Hydra) configs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from maze.core.utils.factory import ConfigError, Factory

#: The config package of maze-core (``conf_rollout`` and the core groups); the primary search-path entry of
#: ``maze-run`` and of :func:`maze_hydra`.
MAZE_CORE_CONFIG_MODULE = "maze.core.conf"
#: Default root config of ``maze-run`` (rollouts).
DEFAULT_ROOT_CONFIG = "conf_rollout"
#: Config packages named by the reference docs that live elsewhere here (``maze.conf`` is maze-core's).
_LEGACY_CONFIG_MODULES = {"maze.conf": MAZE_CORE_CONFIG_MODULE}


def make_env(env_config: Any, wrappers_config: Any = None, call_plugins: bool = True) -> Any:
    """Create the env of an ``env`` config and wrap it with the ``wrappers`` config.

    ``env_config`` may be a config mapping with ``_target_`` (a class or factory function returning a
    MazeEnv), a registered env name, or an env instance.
    """
    import gymnasium as gym

    from maze.core.env.maze_env import MazeEnv
    from maze.core.plugins import get_plugin_manager
    from maze.core.wrappers.wrapper import Wrapper
    from maze.core.wrappers.wrapper_factory import WrapperFactory

    env = Factory(gym.Env, kind="env").instantiate(env_config, _key="env")
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


def read_config(path: str | Any) -> dict:
    """Read a YAML file into a dict.

    The file is parsed with ``yaml.safe_load`` (plain data only: no tags that construct Python objects).

    :param path: path of the file to read.
    :return: dict with the YAML file contents (an empty file gives ``{}``).
    :raises FileNotFoundError: if there is no such file.
    :raises ConfigError: naming the file when it is not valid YAML or does not hold a mapping at the top level.
    """
    from pathlib import Path

    import yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"read_config: no config file {str(file)!r}")
    try:
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"read_config: {str(file)!r} is not valid YAML: {exc}") from exc
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise ConfigError(f"read_config: {str(file)!r} holds a {type(content).__name__} at the top level, "
                          "expected a mapping of config keys")
    return content


def read_hydra_config(config_module: str | None = None, config_name: str | None = None,
                      **hydra_overrides: Any) -> Any:
    """Compose a Hydra config as ``maze-run`` would, given the overrides (without running anything).

    ``read_hydra_config(config_name="conf_rollout", env="gym_env", **{"env.name": "CartPole-v1"})`` returns the
    composed config, whose ``env``, ``wrappers`` and ``policy`` sections can be passed on, e.g. to
    :class:`~maze.core.agent_deployment.agent_deployment.AgentDeployment`.

    :param config_module: Python package with extra yaml configs (``None``: maze-core's and the plugins' only;
        the reference docs' ``"maze.conf"`` means maze-core's config package).
    :param config_name: the primary config (default ``conf_rollout``).
    :param hydra_overrides: Hydra overrides as keyword arguments (see :func:`make_env_from_hydra`).
    :return: the composed config (an OmegaConf ``DictConfig``).
    """
    overrides = [f"{key}={_override_value(value)}" for key, value in hydra_overrides.items()]
    return compose_config(config_module, config_name, overrides)


def list_to_dict(list_or_dict: Any) -> dict:
    """``[a, b]`` → ``{0: a, 1: b}``; mappings are returned as dicts."""
    if isinstance(list_or_dict, dict):
        return list_or_dict
    return dict(enumerate(list_or_dict))


@contextmanager
def maze_hydra(config_module: str | None = None) -> Iterator[Any]:
    """Initialize Hydra over the Maze config search path for the duration of the block.

    The search path holds Hydra's own configs, ``config_module`` (default: ``maze.core.conf``) and the config
    folders of all installed plugins (hook ``maze_config_search_path``, added by Maze's Hydra SearchPathPlugin),
    exactly as ``maze-run`` sees them. Inside a running Hydra app the outer Hydra state is restored on exit.

    :param config_module: an importable Python package holding Hydra yaml configs (primary configs and groups).
    :return: (as the ``with`` target) Hydra's config loader, e.g. for ``get_group_options("env")``.
    """
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.initialize import get_gh_backup, restore_gh_from_backup

    register_maze_resolvers()
    outer = get_gh_backup()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=config_module or MAZE_CORE_CONFIG_MODULE, version_base=None):
            yield GlobalHydra.instance().config_loader()
    finally:
        restore_gh_from_backup(outer)


def compose_config(config_module: str | None = None, config_name: str | None = None,
                   overrides: Sequence[str] = ()) -> Any:
    """Compose a config with Hydra's compose API over the Maze search path (see :func:`maze_hydra`).

    :param config_module: Python package of extra configs (``None``: only maze-core's and the plugins').
    :param config_name: primary config (default ``conf_rollout``; a yaml of ``config_module`` or of a plugin).
    :param overrides: Hydra overrides (``["env=cutting2d_flat", "env.core_env.max_steps=20"]``).
    :raises ConfigError: naming the config and Hydra's reason when composition fails.
    """
    from hydra import compose
    from hydra.errors import HydraException

    name = config_name or DEFAULT_ROOT_CONFIG
    config_module = _LEGACY_CONFIG_MODULES.get(config_module, config_module)  # type: ignore[arg-type]
    with maze_hydra(config_module):
        try:
            return compose(config_name=name, overrides=list(overrides))
        except HydraException as exc:
            where = f"config module '{config_module}' or " if config_module else ""
            raise ConfigError(f"cannot compose config '{name}' with overrides {list(overrides)} "
                              f"(searched {where}the Maze config search path): {exc}") from exc


def make_env_from_hydra(config_module: str | None = None, config_name: str | None = None,
                        **hydra_overrides: Any) -> Any:
    """Create the env (with its wrappers) of a Hydra config, as ``maze-run`` would build it.

    ``make_env_from_hydra("my_project.conf", "my_env_config")`` composes ``my_env_config.yaml`` of the Python
    package ``my_project.conf`` (its ``env`` and optional ``wrappers`` sections); the config groups of all
    installed plugins are on the search path too, so ``make_env_from_hydra(env="cutting2d_flat")`` builds the
    Cutting-2D env of maze-envs-cutting2d from ``conf_rollout``. Observation normalization statistics are not
    estimated here: call :func:`~maze.core.wrappers.observation_normalization.observation_normalization_utils.obtain_normalization_statistics`.

    :param config_module: Python package with the yaml configs (``None``: maze-core's and the plugins' only).
    :param config_name: the primary config within the search path (default ``conf_rollout``).
    :param hydra_overrides: Hydra overrides as keyword arguments: ``env="cutting2d_flat"``; dotted keys via
        ``**{"env.name": "CartPole-v1"}``; values are formatted with ``str`` (``True`` → ``true``).
    :return: the env (a MazeEnv or a wrapper stack over one).
    """
    overrides = [f"{key}={_override_value(value)}" for key, value in hydra_overrides.items()]
    cfg = compose_config(config_module, config_name, overrides)
    if "env" not in cfg or cfg.env is None:
        raise ConfigError(f"config '{config_name or DEFAULT_ROOT_CONFIG}' has no 'env' section; select one with env=<option>")
    return make_env(cfg.env, cfg.get("wrappers"))


def make_env_from_options(env: str, wrappers: str | None = None, *, render_mode: str | None = None,
                          config_module: str | None = None, config_name: str | None = None, **env_kwargs: Any) -> Any:
    """Create the env of the ``env=<env>`` option (and ``wrappers=<wrappers>``) with constructor overrides.

    The gymnasium entry point of envs registered with
    :func:`~maze.core.utils.gym_registration.register_maze_env` ``(..., env_config=...)``:
    ``gymnasium.make("maze/Cutting2D-v0", render_mode="rgb_array", core_env={"max_steps": 20})`` calls
    ``make_env_from_options("cutting2d_flat", render_mode="rgb_array", core_env={"max_steps": 20})``.

    :param env: an option of the ``env`` config group (``"cutting2d_flat"``, ``"gym_env"``).
    :param wrappers: an option of the ``wrappers`` group (default: the root config's default).
    :param render_mode: set as the env config's ``render_mode`` when given.
    :param config_module: Python package of extra configs (see :func:`compose_config`).
    :param config_name: the root config (default ``conf_rollout``).
    :param env_kwargs: merged into the composed ``env`` section (nested mappings merge key by key).
    """
    from omegaconf import OmegaConf

    overrides = [f"env={env}"] + ([f"wrappers={wrappers}"] if wrappers else [])
    cfg = compose_config(config_module, config_name, overrides)
    updates = dict(env_kwargs)
    if render_mode is not None:
        updates["render_mode"] = render_mode
    if updates:
        OmegaConf.set_struct(cfg, False)
        OmegaConf.update(cfg, "env", updates, merge=True)
    return make_env(cfg.env, cfg.get("wrappers"))


def _override_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)

#: ``_target_`` values of env configs that wrap a gymnasium env id (see :func:`maze_env_name`).
_GYM_ENV_TARGETS = frozenset({
    "gym_env", "GymMazeEnv",
    "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env", "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv",
})


def maze_env_name(choice: Any, env_config: Any = None) -> str:
    """OmegaConf resolver ``${maze_env_name:${hydra:runtime.choices.env},${env}}`` used in ``hydra.run.dir``.

    Names run dirs after the actual env: for a gymnasium env config (``env=gym_env``, ``GymMazeEnv``) the
    gymnasium id (``env.name``, or ``env.env`` in the docs' GymMazeEnv configs), otherwise the selected ``env``
    option. The result is filesystem-safe (``ALE/Pong-v5`` → ``ALE_Pong-v5``).

    :param choice: the selected option of the ``env`` group (``None`` when the env came from elsewhere).
    :param env_config: the composed ``env`` section.
    """
    name: Any = None
    if env_config is not None and hasattr(env_config, "get"):
        if str(env_config.get("_target_", "")) in _GYM_ENV_TARGETS:
            name = env_config.get("name") if isinstance(env_config.get("name"), str) else env_config.get("env")
    if not isinstance(name, str) or not name:
        name = choice if choice not in (None, "") else "env"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._")
    return safe or "env"


def register_maze_resolvers() -> None:
    """Register Maze's OmegaConf resolvers (idempotent): ``maze_env_name`` (see :func:`maze_env_name`)."""
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("maze_env_name"):
        OmegaConf.register_new_resolver("maze_env_name", maze_env_name)
