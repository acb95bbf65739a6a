"""Hook specifications of the ``maze`` pluggy project.

Every Maze distribution (maze-core included) and every third-party package registers a module
under the ``maze`` entry-point group. Those modules implement some of the hooks below with
:data:`maze.core.plugins.hookimpl`.

Two families of hooks exist:

* **Registration hooks** (``maze_register_*``, ``maze_config_search_path``) are called once,
  when the plugin manager starts. They return descriptors (:class:`~maze.core.plugins.Component`)
  and never do work on the hot path. Each plugin is called separately, so one plugin raising is
  reported and skipped without affecting the others.
* **Lifecycle hooks** let plugins observe or extend a run (env created, policy created, trainer
  start / epoch end / end, run start). They are called a few times per run or per epoch, never per
  environment step.

Distributions may add hookspecs of their own from :func:`maze_add_hookspecs` (maze-perception adds
``maze_register_blocks`` and ``maze_register_distributions``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from maze.core.plugins.registry import Component

PROJECT_NAME = "maze"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def maze_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications contributed by a distribution.

    Called once per plugin: for entry-point plugins right after all ``maze`` entry points were
    registered and before hook implementations are validated or any registration hook runs; for
    plugins registered later in-process (tests, notebooks) right after their registration.
    Implementations call ``pluginmanager.add_hookspecs(module)`` and may register new component kinds
    with :func:`maze.core.plugins.register_component_kind`. A plugin raising here is reported and skipped.

    :param pluginmanager: the pluggy plugin manager of project ``maze``.
    :return: nothing.

    .. versionadded:: 0.1
    """


@hookspec
def maze_config_search_path() -> list[str]:
    """Return Hydra config search-path entries contributed by this plugin.

    Called once when ``maze-run`` (or Hydra's compose API) builds its config search path. Entries
    are Hydra search-path URLs, normally ``pkg://maze.<part>.conf`` pointing at the config folder a
    distribution ships as package data. The root configs (``conf_rollout``, ``conf_train``, ...) and
    the config groups (``env``, ``policy``, ``runner``, ...) of all plugins are merged in one path.

    Not ``firstresult``: the results of all plugins are concatenated in plugin load order.

    :return: a list of search-path URLs.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_envs() -> list[Component]:
    """Register environments.

    Called once at plugin-manager start. Each :class:`~maze.core.plugins.Component` names an env
    factory or env class (kind ``env``), e.g. ``Component("gym_env", "maze.core.wrappers.maze_gym_env:GymMazeEnv",
    config="env/gym_env")``. Registered names may be used wherever a config takes a class.

    Not ``firstresult``: all plugins contribute; a name registered twice is an error that names both
    distributions.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_policies() -> list[Component]:
    """Register policies (random, heuristic, torch policies...).

    Called once at plugin-manager start; components are of kind ``policy``. Not ``firstresult``.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_wrappers() -> list[Component]:
    """Register environment wrappers, observation pre-processors and normalization strategies.

    Called once at plugin-manager start; components are of kind ``wrapper`` (pre-processors and
    normalization strategies use the ``metadata={"kind": ...}`` override to register as kinds
    ``preprocessor`` / ``normalization_strategy``). Not ``firstresult``.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_runners() -> list[Component]:
    """Register runners (rollout runners, training runners).

    Called once at plugin-manager start; components are of kind ``runner``. Not ``firstresult``.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_algorithms() -> list[Component]:
    """Register training algorithms.

    Called once at plugin-manager start; components are of kind ``algorithm``. The descriptor's
    ``target`` is the algorithm config class, ``config`` the Hydra option (``algorithm/ppo``) and
    ``metadata["runners"]`` maps run modes (``dev``, ``local``, ...) to training-runner classes.
    Not ``firstresult``.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_components() -> list[Component]:
    """Register components of any other kind (stats writers, trajectory writers, models, ...).

    Called once at plugin-manager start. Each descriptor must set ``kind`` explicitly. Not
    ``firstresult``.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_run_start(config: Any) -> None:
    """Observe the start of a ``maze-run`` invocation.

    Called once per run, after the Hydra config was composed and before the runner is created.

    :param config: the composed (read-only) Hydra config.

    .. versionadded:: 0.1
    """


@hookspec
def maze_env_created(env: Any, config: Any) -> None:
    """Observe or extend an environment created by a Maze runner.

    Called once per env instance created from a config by the runners (not per step). Plugins may
    register additional event subscribers on ``env.core_env.pubsub``.

    :param env: the (possibly wrapped) Maze env.
    :param config: the env config it was built from (may be ``None``).

    .. versionadded:: 0.1
    """


@hookspec
def maze_event_subscribers(env: Any) -> list[Any]:
    """Return event subscribers to attach to an environment's pubsub.

    Called once per env instance created by a Maze runner. Each returned object implements
    :class:`maze.core.events.pubsub.Subscriber` and is registered with ``env.core_env.pubsub``.
    Not ``firstresult``: subscribers of all plugins are attached.

    :param env: the (possibly wrapped) Maze env.
    :return: a list of subscribers (may be empty).

    .. versionadded:: 0.1
    """


@hookspec
def maze_stats_writers(output_dir: str | None) -> list[Any]:
    """Return statistics writers to add to the global statistics writer registry.

    Called once when a runner sets up statistics logging. Each returned object implements
    :class:`maze.core.log_stats.log_stats.LogStatsWriter`. Not ``firstresult``.

    :param output_dir: the run's output directory (``None`` outside a run).
    :return: a list of writers (may be empty).

    .. versionadded:: 0.1
    """


@hookspec
def maze_policy_created(policy: Any, config: Any) -> None:
    """Observe a policy created by a Maze runner.

    Called once per policy instance created from a config.

    :param policy: the policy object.
    :param config: the policy config (may be ``None``).

    .. versionadded:: 0.1
    """


@hookspec
def maze_train_start(trainer: Any, config: Any) -> None:
    """Observe the start of a training run.

    Called once by a training runner right before the first epoch.

    :param trainer: the trainer instance.
    :param config: the composed run config.

    .. versionadded:: 0.1
    """


@hookspec
def maze_train_epoch_end(trainer: Any, epoch: int, stats: dict[str, float]) -> None:
    """Observe the end of a training epoch.

    Called once per epoch after statistics were aggregated and the best model was selected.

    :param trainer: the trainer instance.
    :param epoch: the epoch index that just finished (0-based).
    :param stats: a flat mapping of the epoch's statistics (``"train_BaseEnvEvents/reward/mean"`` → value).

    .. versionadded:: 0.1
    """


@hookspec
def maze_train_end(trainer: Any, stats: dict[str, float]) -> None:
    """Observe the end of a training run (normal end, early stop or interruption).

    Called once by the training runner.

    :param trainer: the trainer instance.
    :param stats: the last epoch's statistics (may be empty).

    .. versionadded:: 0.1
    """
