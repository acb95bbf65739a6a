"""The Maze plugin manager: entry-point loading, hook calls through pluggy, per-plugin failure isolation.

How hooks are called
    Each plugin (an entry-point module or an in-process object) is registered with pluggy as a
    :class:`_GuardedPlugin`: an object holding the plugin's hook implementations, each wrapped in a
    guard that keeps the implementation's signature and hookimpl options. Every call then goes through
    pluggy's own hook callers (``manager.hook.<name>(...)``), so ordering (last registered first,
    ``tryfirst``/``trylast``), wrappers (``wrapper=True``, ``hookwrapper=True``) and ``firstresult``
    behave exactly as pluggy documents. A guard only turns an exception of its own implementation into
    a report and "no result" (``None``; a wrapper passes the inner result through unchanged).

What happens to a faulty plugin
    * It fails to import, pluggy refuses it (e.g. an implementation with arguments its spec does not
      have), or it raises or returns something that is not a descriptor in a registration hook
      (``maze_add_hookspecs``, ``maze_config_search_path``, ``maze_register_*``): it is reported once
      and unregistered — none of its components, config paths or lifecycle hooks are used.
    * A lifecycle implementation raises: reported once; the call continues with the other
      implementations and returns their results.
    * It implements a hook that has no spec: for a hook a known distribution adds
      (:data:`KNOWN_OPTIONAL_HOOKS`, e.g. ``maze_register_blocks`` while maze-perception is not
      installed) and for ``optionalhook=True`` implementations that implementation is skipped and listed
      by :meth:`MazePluginManager.describe`; any other unknown hook (a typo, a plugin for a newer Maze) is
      reported as a failure of that implementation. In every case the plugin's other hooks keep working.
    * It registers a name another plugin registered already: reported once as a conflict naming both
      distributions; the first registration (in load order) is kept for listings and resolving the
      ambiguous name fails naming both, unless a ``maze_choose_component`` implementation picks one.
    * It ships a config file under the same relative path as an earlier plugin on the search path: a
      warning names both (Hydra uses the first).

Each report is a :class:`RuntimeWarning`, shown once per run: the main process records what it
reported in :data:`ENV_WARNINGS_SHOWN`, and worker processes (which inherit it and re-create the
manager) log those at debug level only.
"""

from __future__ import annotations

import functools
import importlib.metadata as importlib_metadata
import importlib.resources
import json
import logging
import multiprocessing
import os
import sys
import threading
import traceback
import types
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pluggy

from maze.core.plugins import hookspecs
from maze.core.plugins.registry import Component, ComponentConflict, ComponentRegistry, RegisteredComponent

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "maze"

#: Set to ``1``/``true`` to disable entry-point autoload (only maze-core's built-in plugin is loaded,
#: plus the entry-point names listed in :data:`ENV_ENABLE_PLUGINS`).
ENV_DISABLE_AUTOLOAD = "MAZE_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated entry-point names to load even when autoload is disabled.
ENV_ENABLE_PLUGINS = "MAZE_PLUGINS"
#: Set to ``1`` to trace every hook call (pluggy's hook-call monitoring) to stderr.
ENV_TRACE_HOOKS = "MAZE_TRACE_HOOKS"
#: Set by the main process: the plugin problems it has already warned about (a JSON list of keys).
#: Worker processes inherit it and log those problems at debug level instead of warning again.
ENV_WARNINGS_SHOWN = "MAZE_PLUGIN_WARNINGS_SHOWN"

#: Hooks whose spec a Maze distribution adds through ``maze_add_hookspecs``, with that distribution.
#: Implementations of them are skipped (not an error) while the distribution is absent.
KNOWN_OPTIONAL_HOOKS: dict[str, str] = {
    "maze_register_blocks": "maze-perception",
    "maze_register_distributions": "maze-perception",
}

#: registration hook name for each built-in component kind
_KIND_HOOKS: dict[str, str] = {
    "env": "maze_register_envs",
    "policy": "maze_register_policies",
    "wrapper": "maze_register_wrappers",
    "runner": "maze_register_runners",
    "algorithm": "maze_register_algorithms",
}
_GENERIC_HOOK = "maze_register_components"
_SEARCH_PATH_HOOK = "maze_config_search_path"
_ADD_HOOKSPECS_HOOK = "maze_add_hookspecs"


def register_component_kind(kind: str, hook_name: str) -> None:
    """Declare that components of ``kind`` are collected from the registration hook ``hook_name``.

    Distributions call this from :func:`~maze.core.plugins.hookspecs.maze_add_hookspecs` after adding
    the hookspec (maze-perception: ``block`` → ``maze_register_blocks``).

    :param kind: the component kind.
    :param hook_name: the registration hook that returns components of that kind.
    :raises ValueError: if ``kind`` is already collected by another hook.
    """
    existing = _KIND_HOOKS.get(kind)
    if existing is not None and existing != hook_name:
        raise ValueError(f"component kind '{kind}' is already collected by hook '{existing}'")
    _KIND_HOOKS[kind] = hook_name


def _is_registration_hook(hook_name: str) -> bool:
    return hook_name in (_GENERIC_HOOK, _SEARCH_PATH_HOOK, _ADD_HOOKSPECS_HOOK) or hook_name in _KIND_HOOKS.values()


@dataclass
class PluginInfo:
    """A loaded plugin: its entry point, distribution and what it contributes.

    ``skipped`` maps hook names the plugin implements but that are not called to the reason.
    """

    name: str
    distribution: str
    version: str
    module: str
    hooks: list[str] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    search_path: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass
class PluginFailure:
    """A plugin problem: it could not be loaded, or one of its hook implementations failed.

    ``plugin_skipped`` is true when the whole plugin is unregistered (import, registration, a raising or
    invalid registration hook); false when only one call or implementation was skipped (a raising
    lifecycle hook, an implementation of an unknown hook).
    """

    name: str
    distribution: str
    version: str
    stage: str
    error: str
    traceback: str
    plugin_skipped: bool = True

    def describe(self) -> str:
        """One line: plugin, distribution, version, stage and error."""
        return f"plugin '{self.name}' from {self.distribution} {self.version} failed during {self.stage}: {self.error}"


@dataclass(frozen=True)
class ConfigShadow:
    """A config file that two plugins ship under the same relative path; Hydra uses ``used``'s."""

    path: str
    used: tuple[str, str]
    shadowed: tuple[str, str]

    def describe(self, plugins: dict[str, PluginInfo]) -> str:
        """One line naming both plugins, their distributions and search-path entries."""

        def who(plugin: str, entry: str) -> str:
            info = plugins.get(plugin)
            dist = f"{info.distribution} {info.version}" if info else "?"
            return f"plugin '{plugin}' ({dist}, {entry})"

        return (
            f"config '{self.path}' of {who(*self.shadowed)} is shadowed by the same file of {who(*self.used)}, "
            f"which comes first on the config search path and is the one Hydra uses; rename one of them"
        )


def _dist_of(ep: importlib_metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"] or "?", dist.version or "?"


class _GuardedPlugin:
    """What pluggy holds for one Maze plugin: its hook implementations, each wrapped by a failure guard.

    The guards carry the original functions' signatures (``functools.wraps``) and hookimpl options, so
    pluggy validates, orders and calls them as it would call the plugin itself.
    """

    def __init__(self, original: Any, name: str) -> None:
        self._maze_original = original
        self._maze_name = name

    def __repr__(self) -> str:
        return f"<maze plugin {self._maze_name!r}: {self._maze_original!r}>"


class MazePluginManager:
    """Loads the ``maze`` entry points, calls hooks through pluggy, isolates failing plugins and builds the
    component registry.

    Use :func:`get_plugin_manager` for the process-wide instance.

    :param autoload: load entry points of the ``maze`` group (default: on unless
        ``MAZE_DISABLE_PLUGIN_AUTOLOAD`` is set).
    """

    def __init__(self, autoload: bool | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self.conflicts: list[ComponentConflict] = []
        self._shadows: list[ConfigShadow] | None = None
        self._registry: ComponentRegistry | None = None
        self._search_path: list[str] | None = None
        self._reported: set[str] = set()
        self._load_order: dict[str, int] = {}
        self._originals: dict[str, Any] = {}
        self._failed_registration: set[str] = set()
        self._collecting: tuple[str, dict[int, tuple[str, Any]]] | None = None
        self._build_lock = threading.RLock()
        if os.environ.get(ENV_TRACE_HOOKS, "").lower() in ("1", "true", "yes"):
            self.pm.add_hookcall_monitoring(
                lambda name, impls, kw: print(f"[maze hook] {name}({', '.join(kw)}) -> {len(impls)} impls", file=sys.stderr),
                lambda outcome, name, impls, kw: None,
            )
        if autoload is None:
            autoload = os.environ.get(ENV_DISABLE_AUTOLOAD, "").lower() not in ("1", "true", "yes")
        self._load_entry_points(autoload)

    # ------------------------------------------------------------------ loading
    def _load_entry_points(self, autoload: bool) -> None:
        enabled = {n.strip() for n in os.environ.get(ENV_ENABLE_PLUGINS, "").split(",") if n.strip()}
        eps = sorted(importlib_metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name != "core", e.name))
        seen: set[str] = set()
        for ep in eps:
            if ep.name in seen:
                continue  # the same distribution visible twice on sys.path
            seen.add(ep.name)
            if not autoload and ep.name != "core" and ep.name not in enabled:
                continue
            dist, version = _dist_of(ep)
            try:
                module = ep.load()
            except BaseException as exc:  # noqa: BLE001 - a plugin must never take Maze down
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                self._fail(ep.name, dist, version, "import", exc)
                continue
            self._register_plugin(module, ep.name, dist, version, ep.value)
        # historic: pluggy calls it for the plugins registered now and replays it for later registrations,
        # so hooks such as maze_register_blocks get their spec before any registration hook runs
        self.pm.hook.maze_add_hookspecs.call_historic(kwargs={"pluginmanager": self.pm})
        self._exclude_failed()
        self._check_unspecified_hooks()

    def _register_plugin(self, plugin: Any, name: str, dist: str, version: str, module_name: str) -> bool:
        """Register ``plugin`` with pluggy behind failure guards; a refused plugin is reported. True on success."""
        if name in self._originals or self.pm.get_plugin(name) is not None:
            self._fail(name, dist, version, "registration", ValueError(f"a plugin named '{name}' is already registered"))
            return False
        for other, original in self._originals.items():
            if original is plugin:
                self._fail(name, dist, version, "registration",
                           ValueError(f"the same plugin object is already registered as '{other}'"))
                return False
        guarded, hooks = self._guard(plugin, name)
        # known before pluggy registers it: a historic maze_add_hookspecs replay may already report failures
        self.plugins[name] = PluginInfo(name=name, distribution=dist, version=version, module=module_name, hooks=hooks)
        self._originals[name] = plugin
        try:
            self.pm.register(guarded, name=name)
        except Exception as exc:  # noqa: BLE001 - pluggy's validation errors
            self.plugins.pop(name, None)
            self._originals.pop(name, None)
            self._fail(name, dist, version, "registration", exc)
            return False
        self._load_order[name] = len(self._load_order)
        self._invalidate()
        return True

    def register(self, plugin: Any, name: str, distribution: str = "(in-process)", version: str = "-") -> None:
        """Register an in-process plugin object (tests, notebooks). Invalidates the component registry.

        A plugin pluggy refuses, or one raising in ``maze_add_hookspecs``, is reported and not registered.

        :param plugin: a module or object with :data:`~maze.core.plugins.hookimpl` functions.
        :param name: the plugin name (unique).
        :param distribution: shown in listings and reports.
        :param version: shown in listings and reports.
        """
        module_name = getattr(plugin, "__name__", type(plugin).__name__)
        if self._register_plugin(plugin, name, distribution, version, module_name):
            self._exclude_failed()
            self._check_unspecified_hooks()

    def unregister(self, name: str) -> None:
        """Remove a plugin registered by name and invalidate the component registry."""
        if self.pm.get_plugin(name) is not None:
            self.pm.unregister(name=name)
        self.plugins.pop(name, None)
        self._originals.pop(name, None)
        self._invalidate()

    def get_plugin(self, name: str) -> Any | None:
        """The plugin object (module) registered as ``name``, or ``None``."""
        return self._originals.get(name)

    def _invalidate(self) -> None:
        self._registry = None
        self._search_path = None
        self._shadows = None

    # ------------------------------------------------------------------ guards
    def _guard(self, plugin: Any, name: str) -> tuple[_GuardedPlugin, list[str]]:
        """The guarded stand-in of ``plugin`` and the names of the hooks it implements."""
        guarded = _GuardedPlugin(plugin, name)
        hooks = []
        for attr in dir(plugin):
            opts = self.pm.parse_hookimpl_opts(plugin, attr)
            if opts is None:
                continue
            opts = dict(opts)
            hook_name = opts.get("specname") or attr
            guard = self._make_guard(getattr(plugin, attr), name, hook_name, opts)
            setattr(guard, f"{hookspecs.PROJECT_NAME}_impl", opts)
            setattr(guarded, attr, guard)
            hooks.append(hook_name)
        return guarded, sorted(hooks)

    def _make_guard(self, fn: Callable[..., Any], plugin_name: str, hook_name: str, opts: dict[str, Any]) -> Callable[..., Any]:
        """Wrap one hook implementation: an exception it raises is reported and it counts as no result."""

        def report(exc: BaseException) -> None:
            self._impl_failed(plugin_name, hook_name, exc)

        if opts.get("wrapper"):

            @functools.wraps(fn)
            def wrapper_guard(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                try:
                    next(gen)
                    broken = None
                except StopIteration:
                    broken = RuntimeError("the wrapper=True implementation did not yield")
                except Exception as exc:  # noqa: BLE001
                    broken = exc
                if broken is not None:
                    report(broken)
                    return (yield)
                try:
                    result = yield
                except GeneratorExit:
                    gen.close()
                    raise
                except BaseException as inner:  # the wrapped call raised: the wrapper handles it as in pluggy
                    try:
                        gen.throw(inner)
                    except StopIteration as stop:
                        return stop.value
                    gen.close()
                    raise
                try:
                    gen.send(result)
                except StopIteration as stop:
                    self._record(plugin_name, hook_name, stop.value, is_wrapper=True)
                    return stop.value
                except Exception as exc:  # noqa: BLE001
                    report(exc)
                    return result
                gen.close()
                report(RuntimeError("the wrapper=True implementation yielded more than once"))
                return result

            return wrapper_guard

        if opts.get("hookwrapper"):

            @functools.wraps(fn)
            def hookwrapper_guard(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                try:
                    next(gen)
                    broken = None
                except StopIteration:
                    broken = RuntimeError("the hookwrapper=True implementation did not yield")
                except Exception as exc:  # noqa: BLE001
                    broken = exc
                if broken is not None:
                    report(broken)
                    yield
                    return
                outcome = yield
                try:
                    gen.send(outcome)
                except StopIteration:
                    if outcome.exception is None:
                        self._record(plugin_name, hook_name, outcome.get_result(), is_wrapper=True)
                    return
                except Exception as exc:  # noqa: BLE001
                    report(exc)
                    return
                gen.close()
                report(RuntimeError("the hookwrapper=True implementation yielded more than once"))

            return hookwrapper_guard

        @functools.wraps(fn)
        def guard(*args: Any, **kwargs: Any) -> Any:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                report(exc)
                return None
            self._record(plugin_name, hook_name, result, is_wrapper=False)
            return result

        return guard

    def _record(self, plugin_name: str, hook_name: str, result: Any, is_wrapper: bool) -> None:
        """While a registration hook is collected, remember which plugin returned which result object."""
        collecting = self._collecting
        if collecting is None or collecting[0] != hook_name or result is None:
            return
        owners = collecting[1]
        if not is_wrapper:
            owners.setdefault(id(result), (plugin_name, result))
        elif isinstance(result, list):
            for item in result:  # results a wrapper added belong to the wrapper's plugin
                owners.setdefault(id(item), (plugin_name, item))

    def _impl_failed(self, plugin_name: str, hook_name: str, exc: BaseException) -> None:
        info = self.plugins.get(plugin_name)
        registration = _is_registration_hook(hook_name)
        if registration:
            self._failed_registration.add(plugin_name)
        self._fail(plugin_name, info.distribution if info else "?", info.version if info else "?", f"{hook_name}()", exc,
                   plugin_skipped=registration)

    def _exclude_failed(self) -> None:
        """Unregister the plugins whose registration failed, so none of their hooks is called again."""
        for name in sorted(self._failed_registration):
            if self.pm.get_plugin(name) is not None:
                self.pm.unregister(name=name)
            self.plugins.pop(name, None)
            self._originals.pop(name, None)
            self._invalidate()
        self._failed_registration.clear()

    def _check_unspecified_hooks(self) -> None:
        """Record implementations of hooks that have no spec; an unknown (not optional) hook is reported.

        pluggy's ``check_pending`` would reject the whole plugin; Maze skips only those implementations,
        so a plugin written for maze-perception keeps its envs and policies in a core-only install.
        """
        for info in self.plugins.values():
            info.skipped = {}
        for hook_name in dir(self.pm.hook):
            caller = getattr(self.pm.hook, hook_name)
            if not isinstance(caller, pluggy.HookCaller) or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                info = self.plugins.get(impl.plugin_name)
                if info is None:
                    continue
                provider = KNOWN_OPTIONAL_HOOKS.get(hook_name)
                if provider is not None:
                    reason = f"hook spec not available (provided by {provider}, {_install_status(provider)})"
                elif impl.optionalhook:
                    reason = "no hook spec (optionalhook=True: called once a distribution adds the spec)"
                else:
                    reason = "unknown hook: no hook spec (a typo, or a plugin for a newer Maze?)"
                    exc = pluggy.PluginValidationError(
                        impl.plugin, f"unknown hook '{hook_name}' (no hookspec; a typo, or a plugin for a newer Maze?); "
                                     f"this implementation is skipped, the plugin's other hooks stay active")
                    self._fail(info.name, info.distribution, info.version, "validation", exc, plugin_skipped=False)
                info.skipped[hook_name] = f"{hook_name} skipped: {reason}"

    # ------------------------------------------------------------------ reporting
    def _fail(self, name: str, dist: str, version: str, stage: str, exc: BaseException, plugin_skipped: bool = True) -> None:
        """Record a plugin problem and warn about it once per run."""
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        failure = PluginFailure(name, dist, version, stage, f"{type(exc).__name__}: {exc}", tb, plugin_skipped)
        key = f"failure|{dist}|{name}|{stage}"
        if key in self._reported:
            return
        self.failures.append(failure)
        consequence = "the plugin is skipped" if plugin_skipped else "that call is skipped, the plugin stays active"
        self._warn_once(key, f"Maze {failure.describe()} — {consequence}.")
        logger.debug("traceback of failed plugin %s:\n%s", name, tb)

    def _warn_once(self, key: str, message: str) -> None:
        """Warn once per run: a worker process only logs what the main process already warned about."""
        if key in self._reported:
            return
        self._reported.add(key)
        shown = _shown_warnings()
        if key in shown and multiprocessing.parent_process() is not None:
            logger.debug("%s (already reported by the main process)", message)
            return
        # one line, without a source line of Maze's: the listing command is where to look further
        warnings.warn_explicit(message, RuntimeWarning, filename="maze-run --plugins", lineno=0, module=__name__)
        if multiprocessing.parent_process() is None:
            shown.add(key)
            os.environ[ENV_WARNINGS_SHOWN] = json.dumps(sorted(shown))

    # ------------------------------------------------------------------ calling
    @property
    def hook(self) -> Any:
        """Pluggy's hook relay (``manager.hook.maze_train_start(...)``); plugins whose registration failed are
        excluded first."""
        self._build()
        return self.pm.hook

    def call_lifecycle(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a lifecycle hook through pluggy; an implementation raising is reported once and skipped.

        :param hook_name: a hook with a spec (``maze_env_created``...), or one of :data:`KNOWN_OPTIONAL_HOOKS`
            (returns ``[]`` while its distribution is absent).
        :param kwargs: the hook's arguments.
        :return: the non-``None`` results in pluggy's call order; for a ``firstresult`` hook a list holding the
            single result (empty if there is none).
        :raises ValueError: for a hook name that has no spec (and is not a known optional hook) or a historic hook.
        """
        self._build()
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None or not caller.has_spec():
            if hook_name in KNOWN_OPTIONAL_HOOKS:
                return []
            known = sorted(n for n in dir(self.pm.hook) if getattr(getattr(self.pm.hook, n), "has_spec", lambda: False)())
            raise ValueError(f"unknown hook '{hook_name}'; hooks with a spec: {', '.join(known)}")
        if caller.is_historic():
            raise ValueError(f"'{hook_name}' is a historic hook; it is called by the plugin manager itself")
        result = caller(**kwargs)
        if caller.spec.opts.get("firstresult"):
            return [] if result is None else [result]
        return [r for r in result if r is not None]

    def _collect(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call a registration hook through pluggy; ``(plugin name, result)`` pairs in plugin load order."""
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None or not caller.has_spec():
            return []
        owners: dict[int, tuple[str, Any]] = {}
        self._collecting = (hook_name, owners)
        try:
            results = caller()
        finally:
            self._collecting = None
        if not isinstance(results, list):  # only a wrapper implementation can do this
            self._warn_once(f"result|{hook_name}", f"Maze hook {hook_name}() returned {results!r} instead of a list "
                                                   f"(a wrapper=True implementation replaced it); its result is ignored.")
            return []
        pairs = [(owners.get(id(res), ("?", None))[0], res) for res in results if res is not None]
        pairs.sort(key=lambda pair: self._load_order.get(pair[0], len(self._load_order)))
        return pairs

    def _choose(self, kind: str, name: str, candidates: list[RegisteredComponent]) -> RegisteredComponent | None:
        return self.pm.hook.maze_choose_component(kind=kind, name=name, candidates=candidates)

    # ------------------------------------------------------------------ registry
    @property
    def registry(self) -> ComponentRegistry:
        """The component registry (built lazily from all registration hooks)."""
        self._build()
        assert self._registry is not None
        return self._registry

    def _build(self) -> None:
        """Call all registration hooks once, exclude plugins that failed in one, build registry and search path."""
        if self._registry is not None:
            return
        with self._build_lock:
            if self._registry is not None:
                return
            kind_of_hook = {h: k for k, h in _KIND_HOOKS.items()}
            collected: list[tuple[str, str, list[Component]]] = []
            for hook_name in dict.fromkeys([*_KIND_HOOKS.values(), _GENERIC_HOOK]):
                for plugin_name, result in self._collect(hook_name):
                    try:
                        comps = _as_components(result, hook_name, kind_of_hook.get(hook_name, ""))
                    except TypeError as exc:
                        self._impl_failed(plugin_name, hook_name, exc)
                        continue
                    collected.append((plugin_name, hook_name, comps))
            paths: list[tuple[str, list[str]]] = []
            for plugin_name, result in self._collect(_SEARCH_PATH_HOOK):
                if not isinstance(result, (list, tuple)) or not all(isinstance(p, str) for p in result):
                    self._impl_failed(plugin_name, _SEARCH_PATH_HOOK,
                                      TypeError(f"{_SEARCH_PATH_HOOK}() must return a list of search-path URLs, got {result!r}"))
                    continue
                paths.append((plugin_name, list(result)))
            self._exclude_failed()  # a plugin that failed in any registration hook contributes nothing

            registry = ComponentRegistry(chooser=self._choose)
            for info in self.plugins.values():
                info.components, info.search_path = [], []
            conflicts: dict[tuple[str, str], ComponentConflict] = {}
            for plugin_name, _, comps in collected:
                info = self.plugins.get(plugin_name)
                if info is None:
                    continue
                for comp in comps:
                    conflict = registry.add(comp, plugin_name, info.distribution, info.version)
                    if conflict is not None:
                        conflicts[(conflict.kind, conflict.name)] = conflict
                    info.components.append(comp)
            search_path: list[str] = []
            for plugin_name, entries in paths:
                if plugin_name in self.plugins:
                    self.plugins[plugin_name].search_path = entries
                    search_path.extend(p for p in entries if p not in search_path)
            self.conflicts = [conflicts[k] for k in sorted(conflicts)]
            for conflict in self.conflicts:
                self._warn_once(f"conflict|{conflict.kind}|{conflict.name}|{'|'.join(conflict.distributions)}",
                                f"Maze plugin conflict: {conflict.describe()}.")
            self._search_path = search_path
            self._registry = registry

    def config_search_path(self) -> list[str]:
        """Hydra search-path entries of all plugins, in load order (maze-core first).

        Config files that two plugins ship under the same relative path are reported (see :meth:`config_shadows`).
        """
        self._build()
        self.config_shadows()
        assert self._search_path is not None
        return self._search_path

    def config_shadows(self) -> list[ConfigShadow]:
        """Config files (``env/gym_env.yaml``) shipped by several plugins; the first on the search path wins."""
        self._build()
        if self._shadows is None:
            owner: dict[str, tuple[str, str]] = {}
            shadows = []
            for info in sorted(self.plugins.values(), key=lambda i: self._load_order.get(i.name, 0)):
                for entry in info.search_path:
                    for rel in _config_files(entry):
                        first = owner.setdefault(rel, (info.name, entry))
                        if first[0] != info.name:
                            shadows.append(ConfigShadow(rel, first, (info.name, entry)))
            self._shadows = shadows
            for shadow in shadows:
                self._warn_once(f"shadow|{shadow.path}|{shadow.used[1]}|{shadow.shadowed[1]}",
                                f"Maze plugin {shadow.describe(self.plugins)}.")
        return self._shadows

    def resolve(self, name_or_path: Any, kind: str | None = None) -> Any:
        """Resolve a registered short name or an import path (see :meth:`ComponentRegistry.resolve`).

        :raises ComponentConflictError: for a name several plugins registered (naming their distributions).
        """
        return self.registry.resolve(name_or_path, kind)

    # ------------------------------------------------------------------ listing
    def describe(self) -> str:
        """A human-readable listing of plugins, their components, skipped hooks, conflicts and failures
        (``maze-run --plugins``)."""
        registry = self.registry
        shadows = self.config_shadows()
        lines = [f"Maze plugins (entry-point group '{ENTRY_POINT_GROUP}'):"]
        for info in self.plugins.values():
            lines.append(f"  {info.name}: {info.distribution} {info.version}  [{info.module}]")
            if info.hooks:
                lines.append(f"    hooks: {', '.join(info.hooks)}")
            for reason in info.skipped.values():
                lines.append(f"    {reason}")
            if info.search_path:
                lines.append(f"    config search path: {', '.join(info.search_path)}")
            by_kind: dict[str, list[Component]] = {}
            for comp in info.components:
                by_kind.setdefault(comp.kind, []).append(comp)
            for kind, comps in sorted(by_kind.items()):
                lines.append(f"    {kind}:")
                for comp in sorted(comps, key=lambda c: c.name):
                    extra = f"  (config: {comp.config})" if comp.config else ""
                    help_text = f" — {comp.help}" if comp.help else ""
                    lines.append(f"      {comp.name}{help_text}{extra}")
        if self.conflicts:
            lines.append("Name conflicts (the first registration is listed; resolving the name fails):")
            lines.extend(f"  {c.describe()}" for c in self.conflicts)
        if shadows:
            lines.append("Shadowed config files:")
            lines.extend(f"  {s.describe(self.plugins)}" for s in shadows)
        skipped = [f for f in self.failures if f.plugin_skipped]
        calls = [f for f in self.failures if not f.plugin_skipped]
        if skipped:
            lines.append("Failed plugins (skipped):")
            lines.extend(f"  {f.describe()}" for f in skipped)
        else:
            lines.append("Failed plugins: none")
        if calls:
            lines.append("Failed hook implementations (skipped; the plugin stays active):")
            lines.extend(f"  {f.describe()}" for f in calls)
        lines.append(f"Component kinds: {', '.join(registry.kinds())}")
        return "\n".join(lines)


def _as_components(result: Any, hook_name: str, default_kind: str) -> list[Component]:
    """The descriptors a registration hook returned, each with its kind filled in."""
    items = [result] if isinstance(result, Component) else result
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TypeError(f"{hook_name}() must return a list of Component descriptors, got {type(result).__name__}: {result!r}")
    out = []
    for item in items:
        if not isinstance(item, Component):
            raise TypeError(f"{hook_name}() must return Component descriptors, got {type(item).__name__}: {item!r}")
        if not item.kind:
            if not default_kind:
                raise TypeError(f"{hook_name}() returned component '{item.name}' without a kind (set Component(kind=...))")
            item = Component(item.name, item.target, item.help, item.config, default_kind, item.metadata)
        out.append(item)
    return out


def _install_status(distribution: str) -> str:
    try:
        version = importlib_metadata.version(distribution)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"
    return f"installed ({version}) but its plugin is not loaded"


def _shown_warnings() -> set[str]:
    try:
        shown = json.loads(os.environ.get(ENV_WARNINGS_SHOWN, "[]"))
    except ValueError:
        return set()
    return {k for k in shown if isinstance(k, str)} if isinstance(shown, list) else set()


def _config_files(entry: str) -> list[str]:
    """Relative paths of the YAML files under a ``pkg://`` or ``file://`` search-path entry (``[]`` if unreadable)."""
    scheme, sep, location = entry.partition("://")
    if not sep:
        return []
    try:
        if scheme == "pkg":
            package, _, sub = location.partition("/")
            root: Any = importlib.resources.files(package)
            if sub:
                root = root.joinpath(sub)
        elif scheme == "file":
            root = Path(location)
        else:
            return []
        out: list[str] = []
        pending = [(root, "")]
        while pending:
            folder, prefix = pending.pop()
            for item in folder.iterdir():
                if item.is_dir():
                    pending.append((item, f"{prefix}{item.name}/"))
                elif item.name.endswith((".yaml", ".yml")):
                    out.append(prefix + item.name)
        return sorted(out)
    except Exception:  # noqa: BLE001 - Hydra reports unusable entries itself
        return []


_MANAGER: MazePluginManager | None = None
_LOCK = threading.Lock()


def get_plugin_manager() -> MazePluginManager:
    """The process-wide plugin manager (created on first use)."""
    global _MANAGER
    if _MANAGER is None:
        with _LOCK:
            if _MANAGER is None:
                _MANAGER = MazePluginManager()
    return _MANAGER


def reset_plugin_manager() -> None:
    """Forget the process-wide manager (tests; after installing a distribution at run time)."""
    global _MANAGER
    _MANAGER = None


def resolve(name_or_path: Any, kind: str | None = None) -> Any:
    """Shortcut for ``get_plugin_manager().resolve(...)``."""
    return get_plugin_manager().resolve(name_or_path, kind)


def plugin_module(name: str) -> types.ModuleType | None:  # pragma: no cover - convenience
    """The module registered as plugin ``name`` (``None`` for unknown names and non-module plugins)."""
    plugin = get_plugin_manager().get_plugin(name)
    return plugin if isinstance(plugin, types.ModuleType) else None

