"""``maze-run``: the Hydra-based command line of Maze.

``maze-run [-cn ROOT_CONFIG] [group=option ...] [key=value ...]`` composes a config from the search
path that installed plugins contribute, instantiates the selected ``runner`` and runs it.

* ``maze-run --help``: Maze's help (root configs and the distribution shipping each, config groups with
  the options of all installed plugins, commands, examples); ``--hydra-help`` shows Hydra's own options.
* ``maze-run --version``: the installed Maze distributions with their versions, plus Python, torch,
  gymnasium and Hydra.
* ``maze-run --plugins`` (or ``maze-run plugins``): plugins, their components and failures.

A root config that no installed plugin ships (``-cn conf_train`` without maze-train) fails with the
distribution that provides it and how to install it; so does a config group option of a Maze distribution that is
not installed or not loaded (``env=cutting2d_flat`` without maze-envs-cutting2d, ``model=vector_obs`` without
maze-perception), see :data:`KNOWN_CONFIG_OPTIONS`.
"""

from __future__ import annotations

import importlib.metadata as importlib_metadata
import logging
import os
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

from maze.core.utils.config_utils import DEFAULT_ROOT_CONFIG, MAZE_CORE_CONFIG_MODULE
from maze.core.utils.logging_utils import ENV_LOG_LEVEL, log_level_from_env

__all__ = ["DEFAULT_ROOT_CONFIG", "KNOWN_CONFIG_OPTIONS", "KNOWN_ROOT_CONFIGS", "RootConfigInfo", "help_text", "main",
           "maze_run", "missing_config_option_message", "missing_root_config_message", "requested_config_options",
           "root_configs", "version_text"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RootConfigInfo:
    """A root config (``-cn NAME``) that Maze knows of.

    :param distribution: the distribution that ships it.
    :param purpose: one line for ``maze-run --help``.
    """

    distribution: str
    purpose: str


#: Root configs of the Maze distributions, also listed when their distribution is not installed.
KNOWN_ROOT_CONFIGS: dict[str, RootConfigInfo] = {
    "conf_rollout": RootConfigInfo("maze-core", "rollouts of random, heuristic or trained policies (default)"),
    "conf_train": RootConfigInfo("maze-train", "training runs: A2C, PPO, behavioural cloning"),
    "conf_rllib": RootConfigInfo("maze-rllib-bridge", "training with Ray RLlib"),
}

#: Config group options (``group/option``) that the Maze distributions besides maze-core ship in their ``conf/``
#: folders (maze-core's test ``test_cli_missing_options.py`` keeps this equal to the packages' files). An override
#: selecting one of them while its distribution is not installed, or its plugin not loaded, fails with the
#: distribution and how to install or enable it, instead of Hydra's "Could not find 'model/vector_obs'".
KNOWN_CONFIG_OPTIONS: dict[str, tuple[str, ...]] = {
    "maze-perception": (
        "critic/default_state", "critic/flatten_concat_shared", "critic/flatten_concat_state_action",
        "critic/template_state", "critic/template_state_action", "model/flatten_concat",
        "model/flatten_concat_shared_embedding", "model/pixel_obs", "model/pixel_obs_rnn", "model/vector_obs",
        "model/vector_obs_rnn",
    ),
    "maze-train": (
        "algorithm/a2c", "algorithm/bc", "algorithm/ppo", "experiment/cartpole_ppo", "experiment/cartpole_ppo_wrappers",
        "experiment/cutting2d_ppo", "model/mlp", "model/mlp_cutting2d_masked", "policy/torch_policy", "runner/dev",
        "runner/local",
    ),
    "maze-envs-cutting2d": (
        "critic/cutting2d_struct", "critic/cutting2d_struct_shared", "env/cutting2d_flat", "env/cutting2d_struct",
        "env/cutting2d_struct_masked", "env/tutorial_cutting_2d_basic", "env/tutorial_cutting_2d_events",
        "env/tutorial_cutting_2d_flat", "env/tutorial_cutting_2d_struct", "env/tutorial_cutting_2d_struct_masked",
        "model/cutting2d_flat", "model/cutting2d_struct", "model/cutting2d_struct_masked", "model/tutorial_cutting_2d_basic",
        "model/tutorial_cutting_2d_events", "model/tutorial_cutting_2d_flat", "model/tutorial_cutting_2d_struct",
        "model/tutorial_cutting_2d_struct_masked", "policy/cutting2d_greedy_policy", "policy/cutting2d_masked_random_policy",
        "policy/tutorial_cutting_2d_greedy_policy", "wrappers/cutting2d", "wrappers/tutorial_cutting_2d",
        "wrappers/tutorial_cutting_2d_basic", "wrappers/tutorial_cutting_2d_events",
    ),
}
#: ``group/option`` → the distribution that ships it (the inverse of :data:`KNOWN_CONFIG_OPTIONS`)
_OPTION_DISTRIBUTION: dict[str, str] = {option: dist for dist, options in KNOWN_CONFIG_OPTIONS.items() for option in options}
_KNOWN_GROUPS: frozenset[str] = frozenset(option.rpartition("/")[0] for option in _OPTION_DISTRIBUTION)

_HELP_FLAGS = ("--help", "-h")
_VERSION_FLAGS = ("--version", "-V")
_CONFIG_NAME_FLAGS = ("--config-name", "-cn")
_CONFIG_PATH_FLAGS = ("--config-path", "-cp", "--config-dir", "-cd")
_HELP_WIDTH = 110
#: groups of Hydra itself, not shown in Maze's help
_HIDDEN_GROUPS = ("hydra",)

#: (command, distribution it needs) shown under "Examples" of ``maze-run --help``
_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("maze-run env=gym_env env.name=CartPole-v1 runner=sequential runner.n_episodes=3", "maze-core"),
    ("maze-run env=cutting2d_flat policy=cutting2d_greedy_policy runner.n_episodes=2", "maze-envs-cutting2d"),
    ("maze-run -cn conf_train env.name=CartPole-v1 algorithm=ppo", "maze-train"),
    ("maze-run -cn conf_train env=cutting2d_struct_masked +experiment=cutting2d_ppo model=cutting2d_struct_masked",
     "maze-train"),
    ("maze-run policy=torch_policy input_dir=outputs/<train run dir> runner=parallel", "maze-train"),
    ("maze-run env=cutting2d_flat runner.n_episodes=1 --cfg job    # print the composed config, run nothing",
     "maze-envs-cutting2d"),
)


#: set to ``1`` to see the full traceback of configuration errors (``HYDRA_FULL_ERROR=1`` works too)
ENV_DEBUG = "MAZE_DEBUG"


def _debug() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes") for v in (ENV_DEBUG, "HYDRA_FULL_ERROR"))


def maze_run(cfg: Any) -> Any:
    """Run the composed config: create ``cfg.runner``, validate the config, then ``setup(cfg)`` and ``run()``.

    The runner's options and the rest of the config are checked before anything is built, and the composed config is
    logged once the set-up succeeded. The output directory is logged at the start and at the end of the run.
    A configuration error (:class:`~maze.core.utils.factory.ConfigError`: a bad key, value, file or plugin name)
    ends the run with one error block on stderr and exit code 2; any other error with its traceback and exit code 1.
    Both are in the run's log file too; ``MAZE_DEBUG=1`` lets the exception through (Hydra's report).
    """
    from maze.core.utils.factory import ConfigError
    from maze.core.utils.logging_utils import configure_run_logging

    configure_run_logging()  # warnings into the log; the console is Hydra's (hydra/job_logging)
    try:
        return _run_config(cfg)
    except ConfigError as exc:
        if _debug():
            raise
        logger.error(format_config_error(exc))
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - reported once, with traceback, on the console and in the log file
        if _debug():
            raise
        logger.error("maze-run: error: the run failed with %s: %s", type(exc).__name__, exc, exc_info=exc)
        sys.exit(1)


def format_config_error(exc: BaseException) -> str:
    """The error block of a configuration error: what was wrong, and how to see more."""
    message = str(exc).strip() or type(exc).__name__
    return f"maze-run: error: {message}\n(MAZE_DEBUG=1 shows the traceback)"


def _run_config(cfg: Any) -> Any:
    from omegaconf import OmegaConf

    from maze.core.plugins import get_plugin_manager
    from maze.core.runners.runner import Runner, current_output_dir
    from maze.core.utils.factory import ConfigError, Factory

    output_dir = current_output_dir()
    logger.info("Output directory: %s", output_dir)
    try:
        if "runner" not in cfg or cfg.runner is None:
            raise ConfigError("the composed config has no 'runner' section; select one with runner=<option>")
        runner = Factory(Runner, kind="runner").instantiate(cfg.runner, _key="runner")
        logger.debug("runner: %s.%s", type(runner).__module__, type(runner).__qualname__)
        runner.validate(cfg)
        get_plugin_manager().call_lifecycle("maze_run_start", config=cfg)
        runner.setup(cfg)  # builds envs, models...: errors in the config surface here, before the config listing
        logger.info(OmegaConf.to_yaml(cfg, resolve=False))
        return runner.run()
    finally:
        logger.info("Output directory: %s", output_dir)


def _hydra_entry() -> None:
    import hydra

    from maze.core.utils.config_utils import register_maze_resolvers

    register_maze_resolvers()  # ${maze_env_name:...} in hydra.run.dir
    _register_log_level_resolver()  # ${maze_log_level:} in hydra/job_logging/maze.yaml
    hydra.main(config_path=f"pkg://{MAZE_CORE_CONFIG_MODULE}", config_name=DEFAULT_ROOT_CONFIG,
               version_base=None)(maze_run)()


def _register_log_level_resolver() -> None:
    """``${maze_log_level:}``: the root log level of a run from ``MAZE_LOG_LEVEL`` (default INFO); a bad value is
    an error naming the variable and the valid levels."""
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("maze_log_level"):
        OmegaConf.register_new_resolver("maze_log_level", lambda: log_level_from_env())


# ---------------------------------------------------------------------------------------------- versions
def _version_of(distribution: str) -> str | None:
    try:
        return importlib_metadata.version(distribution)
    except importlib_metadata.PackageNotFoundError:
        return None


def maze_distributions() -> list[tuple[str, str]]:
    """``(name, version)`` of every installed distribution with a ``maze`` entry point, maze-core first.

    Read from the package metadata only: no plugin is imported.
    """
    from maze.core.plugins import ENTRY_POINT_GROUP

    found: dict[str, str] = {}
    for ep in importlib_metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        if dist is not None and dist.metadata["Name"]:
            found.setdefault(dist.metadata["Name"], dist.version)
    return sorted(found.items(), key=lambda item: (item[0] != "maze-core", item[0]))


def _entry_point_names(distribution: str) -> list[str]:
    """Names of the ``maze`` entry points of an installed distribution."""
    from maze.core.plugins import ENTRY_POINT_GROUP

    try:
        eps = importlib_metadata.distribution(distribution).entry_points
    except importlib_metadata.PackageNotFoundError:
        return []
    return sorted(ep.name for ep in eps if ep.group == ENTRY_POINT_GROUP)


def version_text() -> str:
    """The text of ``maze-run --version``: Maze distributions, Python, torch, gymnasium and Hydra."""
    lines = ["Maze distributions:"]
    dists = maze_distributions()
    width = max((len(name) for name, _ in dists), default=0)
    lines += [f"  {name:<{width}}  {version}" for name, version in dists] or ["  (none with a 'maze' entry point)"]
    lines.append(f"Python {sys.version.split()[0]} ({sys.executable})")
    for label, dist in (("torch", "torch"), ("gymnasium", "gymnasium"), ("Hydra", "hydra-core")):
        lines.append(f"{label} {_version_of(dist) or 'not installed'}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- root configs
def root_configs(pm: Any | None = None) -> dict[str, tuple[str, str]]:
    """Root configs that the loaded plugins ship: ``name → (distribution, version)``.

    A root config is a yaml at the top of a plugin's config search-path entry whose name starts with ``conf_``
    (``conf_rollout``, ``conf_train``), or one of :data:`KNOWN_ROOT_CONFIGS` found there.
    """
    from maze.core.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    pm.config_search_path()  # fills PluginInfo.search_path
    found: dict[str, tuple[str, str]] = {}
    for info in pm.plugins.values():
        for entry in info.search_path:
            for stem in _top_level_yaml_names(entry):
                if stem.startswith("conf_") or stem in KNOWN_ROOT_CONFIGS:
                    found.setdefault(stem, (info.distribution, info.version))
    return found


def _top_level_yaml_names(entry: str) -> list[str]:
    """Names (without ``.yaml``) of the yaml files at the top of a search-path entry (``pkg://mod`` or ``file://dir``)."""
    from importlib import resources

    try:
        if entry.startswith("pkg://"):
            files = [(p.name, p.is_file()) for p in resources.files(entry[len("pkg://"):]).iterdir()]
        else:
            path = entry[len("file://"):] if entry.startswith("file://") else entry
            files = [(n, os.path.isfile(os.path.join(path, n))) for n in os.listdir(path)]
    except (ImportError, OSError, TypeError):
        return []
    return sorted(name[:-len(".yaml")] for name, is_file in files if is_file and name.endswith(".yaml"))


def _install_hint(distribution: str) -> str:
    return (f"pip install {distribution}   (from a Maze checkout: "
            f"pip install -c constraints.txt ./packages/{distribution})")


def _provider_status(what: str, distribution: str, pm: Any) -> list[str]:
    """Why ``what`` (a root config, a config group option) of ``distribution`` is not available, and what to do."""
    from maze.core.plugins import ENV_DISABLE_AUTOLOAD, ENV_ENABLE_PLUGINS

    version = _version_of(distribution)
    if version is None:
        return [f"{what} is provided by {distribution}, which is not installed.",
                f"Install it: {_install_hint(distribution)}"]
    failed = [f for f in pm.failures if f.distribution == distribution]
    if failed:
        return [f"{what} is provided by {distribution} {version}, whose plugin failed to load: {failed[0].describe()}"]
    if not any(info.distribution == distribution for info in pm.plugins.values()):
        eps = ",".join(_entry_point_names(distribution)) or "<entry point>"
        return [f"{what} is provided by {distribution} {version}, which is installed but its plugin is not loaded "
                f"({ENV_DISABLE_AUTOLOAD} is set?); enable it with {ENV_ENABLE_PLUGINS}={eps}."]
    return [f"{what} should come from {distribution} {version}, which is installed and loaded but ships none."]


def _provider_ready(distribution: str, pm: Any) -> bool:
    """Whether ``distribution`` is installed and its plugin loaded without failure."""
    return (_version_of(distribution) is not None
            and not any(f.distribution == distribution for f in pm.failures)
            and any(info.distribution == distribution for info in pm.plugins.values()))


def missing_root_config_message(name: str, available: dict[str, tuple[str, str]], pm: Any | None = None) -> str:
    """The error of ``maze-run -cn NAME`` when no loaded plugin ships root config ``NAME``: which distribution
    provides it and how to install it (or why its installed plugin did not contribute it)."""
    from maze.core.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    known = KNOWN_ROOT_CONFIGS.get(name)
    listing = ", ".join(f"{n} ({d})" for n, (d, _) in sorted(available.items())) or "none"
    lines = [f"maze-run: unknown root config '{name}' (-cn {name})."]
    if known is not None:
        lines += _provider_status(f"'{name}' ({known.purpose})", known.distribution, pm)
    lines.append(f"Root configs of the installed plugins: {listing}. See maze-run --help.")
    return "\n".join(lines)


def requested_config_options(args: list[str]) -> list[tuple[str, str]]:
    """``(group, option)`` of the command-line overrides that select an option of a group in
    :data:`KNOWN_CONFIG_OPTIONS` (``model=vector_obs``, ``+experiment=cutting2d_ppo``, sweeps ``env=a,b``).

    Flags and plain value overrides (``env.name=CartPole-v1``) are skipped; an override Hydra cannot parse is left
    to Hydra's own error.
    """
    candidates = []
    for arg in args:
        if arg.startswith("-") or "=" not in arg:
            continue
        key = arg.split("=", 1)[0].lstrip("+~").split("@", 1)[0]
        if key in _KNOWN_GROUPS:
            candidates.append(arg)
    if not candidates:
        return []
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    found: list[tuple[str, str]] = []
    for arg in candidates:
        try:
            (override,) = parser.parse_overrides([arg])
            if override.is_delete():
                continue
            values = list(override.sweep_string_iterator()) if override.is_sweep_override() else [override.value()]
        except (HydraException, ValueError, TypeError):
            continue
        found += [(override.key_or_group, v) for v in values if isinstance(v, str) and v]
    return found


def missing_config_option_message(args: list[str], pm: Any | None = None) -> str | None:
    """The error of overrides in ``args`` that select config group options of a Maze distribution that is not
    installed or whose plugin is not loaded (:data:`KNOWN_CONFIG_OPTIONS`): which distribution provides each and how
    to install or enable it, plus the options the installed plugins offer. ``None`` when every such option is
    available (also when another installed plugin ships an option of the same name).

    :param args: the command-line arguments of ``maze-run``.
    :param pm: the plugin manager (default: Maze's).
    """
    requested = [(group, option, _OPTION_DISTRIBUTION.get(f"{group}/{option}"))
                 for group, option in requested_config_options(args)]
    requested = [(g, o, d) for g, o, d in requested if d is not None]
    if not requested:
        return None
    from maze.core.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    requested = [(g, o, d) for g, o, d in requested if not _provider_ready(d, pm)]
    if not requested:
        return None
    from maze.core.utils.config_utils import maze_hydra

    with maze_hydra() as loader:  # another installed plugin may ship an option of the same name
        options = {group: list(loader.get_group_options(group)) for group in {g for g, _, _ in requested}}
    missing = [(g, o, d) for g, o, d in requested if o not in options[g]]
    if not missing:
        return None
    lines = []
    for group, option, dist in missing:
        lines.append(f"maze-run: unknown option '{option}' of config group '{group}' ({group}={option}).")
        lines += _provider_status(f"'{group}={option}'", dist, pm)
    for group in dict.fromkeys(g for g, _, _ in missing):
        lines.append(f"Options of '{group}' from the installed plugins: {', '.join(options[group]) or 'none'}. "
                     f"See maze-run --help.")
    return "\n".join(lines)


def _config_name_arg(args: list[str]) -> str | None:
    """The value of ``-cn``/``--config-name`` in ``args`` (``None`` if absent)."""
    for i, arg in enumerate(args):
        for flag in _CONFIG_NAME_FLAGS:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "="):
                return arg[len(flag) + 1:]
    return None


def _has_config_path_arg(args: list[str]) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in args for flag in _CONFIG_PATH_FLAGS)


# ---------------------------------------------------------------------------------------------- help
def _config_groups(loader: Any, parent: str = "") -> dict[str, list[str]]:
    """``group → options`` of Hydra's config loader (the listing of Hydra's "unknown option" errors), recursively."""
    groups: dict[str, list[str]] = {}
    for name in loader.list_groups(parent):
        group = f"{parent}/{name}" if parent else name
        if group in _HIDDEN_GROUPS:
            continue
        options = loader.get_group_options(group)
        if options:
            groups[group] = list(options)
        groups.update(_config_groups(loader, group))
    return groups


def help_text() -> str:
    """The text of ``maze-run --help`` for the installed plugins."""
    from maze.core.plugins import ENV_DISABLE_AUTOLOAD, ENV_ENABLE_PLUGINS, ENV_TRACE_HOOKS, get_plugin_manager
    from maze.core.utils.config_utils import maze_hydra

    pm = get_plugin_manager()
    available = root_configs(pm)
    with maze_hydra() as loader:
        groups = _config_groups(loader)
    installed = {d for d, _ in available.values()} | {info.distribution for info in pm.plugins.values()}

    lines = [
        "maze-run: compose a Maze config from the installed plugins and run it.",
        "",
        "usage: maze-run [-cn ROOT_CONFIG] [group=option ...] [key=value ...]",
        "       maze-run --plugins | --version | --help | --hydra-help",
        "",
        "Root configs (-cn NAME):",
    ]
    names = list(KNOWN_ROOT_CONFIGS) + sorted(n for n in available if n not in KNOWN_ROOT_CONFIGS)
    width = max(len(n) for n in names)
    for name in names:
        known = KNOWN_ROOT_CONFIGS.get(name)
        purpose = known.purpose if known else ""
        if name in available:
            dist, version = available[name]
            lines.append(f"  {name:<{width}}  {purpose + '  ' if purpose else ''}[{dist} {version}]")
        elif known is not None and _version_of(known.distribution) is None:
            lines.append(f"  {name:<{width}}  {purpose}  [needs {known.distribution}: pip install {known.distribution}]")
        else:
            lines.append(f"  {name:<{width}}  {purpose}  [{known.distribution if known else '?'} ships none yet]")
    lines += ["", "Config groups (group=option; options of all installed plugins):"]
    gwidth = max((len(g) for g in groups), default=0)
    for group, options in sorted(groups.items()):
        lines += textwrap.wrap(", ".join(options), width=_HELP_WIDTH, initial_indent=f"  {group:<{gwidth}}  ",
                               subsequent_indent=" " * (gwidth + 4), break_on_hyphens=False)
    lines += [
        "",
        "Any config value can be overridden: key=value (runner.n_episodes=3), added: +key=value.",
        "",
        "Commands:",
        "  maze-run --plugins       plugins, versions, registered components and failures (also: maze-run plugins)",
        "  maze-run --version       versions of the Maze distributions, Python, torch, gymnasium and Hydra",
        "  maze-run ... --cfg job   print the composed config without running",
        "  maze-run --hydra-help    Hydra's own options (multirun -m, --info, --cfg, shell completion, ...)",
        "",
        "Examples:",
    ]
    for command, dist in _EXAMPLES:
        needs = "" if dist in installed else f"    [needs {dist}]"
        lines.append(f"  {command}{needs}")
    lines += [
        "",
        "Each run writes to outputs/<env>-<policy>-<runner>/<timestamp>/ (training: <env>-<model>-<algorithm>-<runner>);",
        "set hydra.run.dir=<dir> to choose another.",
        f"Environment: {ENV_DISABLE_AUTOLOAD}=1 (only maze-core's plugin, plus {ENV_ENABLE_PLUGINS}=a,b), "
        f"{ENV_TRACE_HOOKS}=1 (trace hook calls), {ENV_LOG_LEVEL}=DEBUG|INFO|WARNING|ERROR (log level; also "
        f"hydra.verbose=true). The run's log: <output dir>/cli.log.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- entry point
def _emit(text: str) -> int:
    """Print ``text`` to stdout; a reader that went away (``maze-run --help | head``) ends quietly."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not raise on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Console entry point of ``maze-run``."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if "--plugins" in args or (args and args[0] == "plugins"):
            from maze.core.plugins import get_plugin_manager

            return _emit(get_plugin_manager().describe())
        if any(flag in args for flag in _VERSION_FLAGS):
            return _emit(version_text())
        if any(flag in args for flag in _HELP_FLAGS):
            return _emit(help_text())
        try:
            log_level_from_env()
        except ValueError as exc:
            sys.stderr.write(f"maze-run: error: {exc}\n")
            return 2
        config_name = _config_name_arg(args)
        if config_name is not None and not _has_config_path_arg(args):
            available = root_configs()
            if config_name not in available:
                sys.stderr.write(missing_root_config_message(config_name, available) + "\n")
                return 1
        # with a config path/dir of the user's, its options may shadow the plugins': Hydra decides then
        missing_options = None if _has_config_path_arg(args) else missing_config_option_message(args)
        if missing_options is not None:
            sys.stderr.write(missing_options + "\n")
            return 1
        if argv is not None:
            sys.argv = [sys.argv[0], *args]
        _hydra_entry()
    except BrokenPipeError:
        _silence_stdout()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
