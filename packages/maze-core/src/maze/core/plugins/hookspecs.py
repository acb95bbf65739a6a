"""Hook specifications of the ``maze`` pluggy project.

Every Maze distribution (maze-core included) and every third-party package registers a module
under the ``maze`` entry-point group. Those modules implement some of the hooks below with
:data:`maze.core.plugins.hookimpl`.

All hooks are called through pluggy's own hook callers (``manager.hook.<name>(...)``), so pluggy's
rules apply: implementations run last-registered first, ``tryfirst``/``trylast`` move an
implementation to the front/back, ``wrapper=True`` (and the older ``hookwrapper=True``)
implementations run around all others and may inspect or replace their result, and a spec declared
``firstresult=True`` stops at the first non-``None`` result. The markers are declared on the specs
below (``@hookspec(firstresult=True)``, ``@hookspec(historic=True)``); a spec without a marker
collects the non-``None`` results of all implementations into a list.

Two families of hooks exist:

* **Registration hooks** (``maze_register_*``, ``maze_config_search_path``, ``maze_add_hookspecs``)
  are called when the plugin manager starts. They return descriptors
  (:class:`~maze.core.plugins.Component`) and never do work on the hot path. A plugin raising in one
  of them (or returning something that is not a descriptor) is reported once and skipped as a whole:
  none of its components, config paths or lifecycle hooks are used.
* **Lifecycle hooks** let plugins observe or extend a run (env created, policy created, trainer
  start / epoch end / end, run start). They are called a few times per run or per epoch, never per
  environment step. An implementation raising is reported once (distribution, version, error) and
  counts as having returned ``None``; the other implementations still run.

Distributions may add hookspecs of their own from :func:`maze_add_hookspecs` (maze-perception adds
``maze_register_blocks`` and ``maze_register_distributions``). An implementation of such a hook in a
plugin is skipped, and listed by ``maze-run --plugins``, while the distribution that provides the
spec is not installed; the plugin's other hooks keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from maze.core.plugins.registry import Component, RegisteredComponent

PROJECT_NAME = "maze"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(historic=True)
def maze_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications contributed by a distribution.

    Called once per plugin — for entry-point plugins right after all ``maze`` entry points were
    registered and before any registration hook runs. ``historic``: pluggy replays the call for
    plugins registered later in-process (tests, notebooks) during their registration. Implementations call
    ``pluginmanager.add_hookspecs(module)`` and may register new component kinds with
    :func:`maze.core.plugins.register_component_kind`. A plugin raising here is reported and skipped.
    Historic hooks cannot be implemented as wrappers.

    :param pluginmanager: the pluggy plugin manager of project ``maze``.
    :return: nothing (results are ignored).

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Declared ``historic=True``: pluggy replays it for plugins registered later.
    """


@hookspec
def maze_config_search_path() -> list[str]:
    """Return Hydra config search-path entries contributed by this plugin.

    Called once when ``maze-run`` (or Hydra's compose API) builds its config search path. Entries
    are Hydra search-path URLs, normally ``pkg://maze.<part>.conf`` pointing at the config folder a
    distribution ships as package data. The root configs (``conf_rollout``, ``conf_train``, ...) and
    the config groups (``env``, ``policy``, ``runner``, ...) of all plugins are merged in one path.

    Not ``firstresult``: the results of all plugins are concatenated in plugin load order (maze-core
    first, then entry points by name, then in-process registrations), whatever order pluggy called
    them in, because Hydra uses the first search-path entry that has a config. A config file that two
    plugins ship under the same relative path (``env/gym_env.yaml``) is reported with both names.

    :return: a list of search-path URLs.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_envs() -> list[Component]:
    """Register environments.

    Called once at plugin-manager start. Each :class:`~maze.core.plugins.Component` names an env
    factory or env class (kind ``env``), e.g. ``Component("gym_env", "maze.core.wrappers.maze_gym_env:GymMazeEnv",
    config="env/gym_env")``. Registered names may be used wherever a config takes a class.

    Not ``firstresult``: all plugins contribute. A name registered twice for one kind is reported
    once as a conflict naming both distributions; the first registration in plugin load order is
    listed, and resolving that name fails (naming both) unless :func:`maze_choose_component` picks
    one. Full import paths always resolve.

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

    Called once when the component registry is built; returns typed algorithm descriptors,
    :class:`maze.train.trainers.common.algorithm.AlgorithmSpec` (a :class:`Component` of kind ``algorithm``): the
    algorithm's config class, its trainer class, a training-runner class per run mode (``dev``, ``local``, ...),
    each as a class or an import path, and the Hydra option (``algorithm/ppo``). Not ``firstresult``.
    ``docs/architecture.md`` ("Adding an algorithm") describes the whole contract.

    :return: a list of algorithm descriptors.

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


@hookspec(firstresult=True)
def maze_choose_component(kind: str, name: str, candidates: list[RegisteredComponent]) -> RegisteredComponent | None:
    """Choose which registration of an ambiguous component name is used.

    Called when a short name that several plugins registered for one kind (two distributions both
    registering policy ``random_policy``) is resolved — only then, never at start-up, and never for
    unambiguous names. ``firstresult``: the first implementation (in pluggy's call order) returning
    a value other than ``None`` decides; when every implementation returns ``None``, resolving the
    name fails with :class:`~maze.core.plugins.ComponentConflictError` naming all distributions.

    :param kind: the component kind (``"policy"``, ``"env"``, ``"block"``...).
    :param name: the ambiguous short name.
    :param candidates: the registrations of ``name`` in plugin load order
        (:class:`~maze.core.plugins.RegisteredComponent`: ``component``, ``plugin``, ``distribution``,
        ``version``).
    :return: one of ``candidates``, or ``None`` to leave the decision to other plugins.

    .. versionadded:: 0.2
    """


@hookspec
def maze_run_start(config: Any) -> None:
    """Observe the start of a ``maze-run`` invocation.

    Called once per run, after the Hydra config was composed and before the runner is created.

    :param config: the composed (read-only) Hydra config.
    :return: nothing (not ``firstresult``; return values are ignored).

    .. versionadded:: 0.1
    """


@hookspec
def maze_env_created(env: Any, config: Any) -> None:
    """Observe or extend an environment created by a Maze runner.

    Called once per env instance created from a config by the runners (not per step). Plugins may
    register additional event subscribers on ``env.core_env.pubsub``.

    :param env: the (possibly wrapped) Maze env.
    :param config: the env config it was built from (may be ``None``).
    :return: nothing (not ``firstresult``; return values are ignored).

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
    :class:`maze.core.log_stats.log_stats.LogStatsWriter`. Not ``firstresult``: the lists of all
    plugins are collected (a ``wrapper=True`` implementation sees and may filter them).

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
    :return: nothing (not ``firstresult``; return values are ignored).

    .. versionadded:: 0.1
    """


@hookspec
def maze_train_start(context: Any) -> None:
    """Observe the start of a training run.

    Called once per :meth:`Trainer.train <maze.train.trainers.common.trainer.Trainer.train>` call, right before the
    first epoch.

    :param context: a :class:`maze.train.trainers.common.trainer.TrainingContext`: the algorithm name, the policy
        and critic being trained, the env factory, the run dir and the composed config.

    .. versionchanged:: 0.2
       Receives a typed ``context`` instead of ``trainer`` and ``config``.
    """


@hookspec
def maze_train_epoch_end(context: Any, epoch: int, stats: Any) -> None:
    """Observe the end of a training epoch.

    Called once per epoch after the statistics were written, the best model was selected and the checkpoint saved.

    :param context: the run's :class:`maze.train.trainers.common.trainer.TrainingContext`.
    :param epoch: the epoch index that just finished (0-based).
    :param stats: the epoch's typed statistics, a :class:`maze.core.log_stats.epoch_stats.EpochStats`
        (``{"train": LogStats, "eval": LogStats}``); ``stats.flat()`` or
        :func:`maze.core.log_stats.epoch_stats.flatten_epoch_stats` give a flat
        ``{"train_BaseEnvEvents/reward/mean": value}`` dict, ``stats.value("eval", BaseEnvEvents.reward, "mean")``
        one value.

    .. versionchanged:: 0.2
       ``stats`` are typed :class:`~maze.core.log_stats.epoch_stats.EpochStats` (they were a flat dict), and a
       ``context`` replaces ``trainer``.
    """


@hookspec
def maze_train_end(context: Any, stats: Any) -> None:
    """Observe the end of a training run (normal end, early stop or an error in an epoch).

    Called once per :meth:`Trainer.train <maze.train.trainers.common.trainer.Trainer.train>` call.

    :param context: the run's :class:`maze.train.trainers.common.trainer.TrainingContext`.
    :param stats: the last epoch's :class:`maze.core.log_stats.epoch_stats.EpochStats` (empty if none finished).

    .. versionchanged:: 0.2
       Typed ``context`` and ``stats`` (see :func:`maze_train_epoch_end`).
    """
