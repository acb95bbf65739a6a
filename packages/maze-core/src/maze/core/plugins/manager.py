"""The Maze plugin manager: entry-point loading with per-plugin failure isolation."""

from __future__ import annotations

import importlib.metadata as importlib_metadata
import logging
import os
import sys
import threading
import traceback
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pluggy

from maze.core.plugins import hookspecs
from maze.core.plugins.registry import Component, ComponentRegistry

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "maze"

#: Set to ``1``/``true`` to disable entry-point autoload (only maze-core's built-in plugin is loaded,
#: plus the entry-point names listed in :data:`ENV_ENABLE_PLUGINS`).
ENV_DISABLE_AUTOLOAD = "MAZE_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated entry-point names to load even when autoload is disabled.
ENV_ENABLE_PLUGINS = "MAZE_PLUGINS"
#: Set to ``1`` to trace every hook call (pluggy's hook-call monitoring) to stderr.
ENV_TRACE_HOOKS = "MAZE_TRACE_HOOKS"

#: registration hook name for each built-in component kind
_KIND_HOOKS: dict[str, str] = {
    "env": "maze_register_envs",
    "policy": "maze_register_policies",
    "wrapper": "maze_register_wrappers",
    "runner": "maze_register_runners",
    "algorithm": "maze_register_algorithms",
}
_GENERIC_HOOK = "maze_register_components"


def register_component_kind(kind: str, hook_name: str) -> None:
    """Declare that components of ``kind`` are collected from the registration hook ``hook_name``.

    Distributions call this from :func:`~maze.core.plugins.hookspecs.maze_add_hookspecs` after adding
    the hookspec (maze-perception: ``block`` → ``maze_register_blocks``).
    """
    existing = _KIND_HOOKS.get(kind)
    if existing is not None and existing != hook_name:
        raise ValueError(f"component kind '{kind}' is already collected by hook '{existing}'")
    _KIND_HOOKS[kind] = hook_name


@dataclass
class PluginInfo:
    """A loaded plugin: its entry point, distribution and what it contributes."""

    name: str
    distribution: str
    version: str
    module: str
    hooks: list[str] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    search_path: list[str] = field(default_factory=list)


@dataclass
class PluginFailure:
    """A plugin that could not be loaded or raised in a registration hook; it is skipped."""

    name: str
    distribution: str
    version: str
    stage: str
    error: str
    traceback: str

    def describe(self) -> str:
        return f"plugin '{self.name}' from {self.distribution} {self.version} failed during {self.stage}: {self.error}"


def _dist_of(ep: importlib_metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"] or "?", dist.version or "?"


class MazePluginManager:
    """Loads the ``maze`` entry points, isolates failing plugins and builds the component registry.

    Use :func:`get_plugin_manager` for the process-wide instance.

    :param autoload: load entry points of the ``maze`` group (default: on unless
        ``MAZE_DISABLE_PLUGIN_AUTOLOAD`` is set).
    """

    def __init__(self, autoload: bool | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self._registry: ComponentRegistry | None = None
        self._search_path: list[str] | None = None
        self._reported: set[tuple[str, str]] = set()
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
            self._register_module(module, ep.name, dist, version, ep.value)
        # validate only after maze_add_hookspecs: hooks such as maze_register_blocks get their spec there
        for name in list(self.plugins):
            self._add_hookspecs_of(name)
        self._validate_hookimpls()

    def _add_hookspecs_of(self, name: str) -> None:
        """Call one plugin's ``maze_add_hookspecs``; a plugin raising there is reported and unregistered."""
        plugin = self.pm.get_plugin(name)
        fn = getattr(plugin, "maze_add_hookspecs", None)
        if fn is None:
            return
        try:
            fn(pluginmanager=self.pm)
        except Exception as exc:  # noqa: BLE001
            info = self.plugins.get(name)
            self._fail(name, info.distribution if info else "?", info.version if info else "?", "maze_add_hookspecs()", exc)
            self.unregister(name)

    def _register_module(self, module: Any, name: str, dist: str, version: str, module_name: str) -> None:
        try:
            self.pm.register(module, name=name)
        except Exception as exc:  # noqa: BLE001
            self._fail(name, dist, version, "registration", exc)
            return
        hooks = sorted(impl_name for impl_name in dir(module) if impl_name.startswith("maze_") and callable(getattr(module, impl_name)))
        self.plugins[name] = PluginInfo(name=name, distribution=dist, version=version, module=module_name, hooks=hooks)
        self._registry = None
        self._search_path = None

    def register(self, plugin: Any, name: str, distribution: str = "(in-process)", version: str = "-") -> None:
        """Register an in-process plugin object (tests, notebooks). Invalidates the component registry."""
        self._register_module(plugin, name, distribution, version, getattr(plugin, "__name__", type(plugin).__name__))
        if name in self.plugins:
            self._add_hookspecs_of(name)
        self._validate_hookimpls()

    def unregister(self, name: str) -> None:
        """Remove a plugin registered by name and invalidate the component registry."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin, name=name)
        self.plugins.pop(name, None)
        self._registry = None
        self._search_path = None

    def _validate_hookimpls(self) -> None:
        """A hook implementation without a spec is an error of that plugin (pluggy's check_pending)."""
        for hook_name in dir(self.pm.hook):
            if not hook_name.startswith("maze_"):
                continue
            caller = getattr(self.pm.hook, hook_name)
            if caller.spec is not None:
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                info = self.plugins.get(impl.plugin_name)
                exc = pluggy.PluginValidationError(
                    impl.plugin, f"unknown hook '{hook_name}' (no hookspec; a typo, or a plugin for a newer Maze?)"
                )
                self._fail(impl.plugin_name, info.distribution if info else "?", info.version if info else "?", "validation", exc)
                self.unregister(impl.plugin_name)
        self.pm.check_pending()

    def _fail(self, name: str, dist: str, version: str, stage: str, exc: BaseException) -> None:
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        failure = PluginFailure(name, dist, version, stage, f"{type(exc).__name__}: {exc}", tb)
        self.failures.append(failure)
        key = (name, stage)
        if key not in self._reported:
            self._reported.add(key)
            warnings.warn(f"Maze {failure.describe()} — the plugin is skipped.", RuntimeWarning, stacklevel=3)
            logger.debug("traceback of failed plugin %s:\n%s", name, tb)

    # ------------------------------------------------------------------ calling
    def _call_each(self, hook_name: str, stage: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook plugin by plugin, isolating failures; returns (plugin name, result) pairs."""
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None:
            return []
        results = []
        for impl in caller.get_hookimpls():  # registration order (pluggy keeps them in that order)
            try:
                res = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:  # noqa: BLE001
                info = self.plugins.get(impl.plugin_name)
                self._fail(impl.plugin_name, info.distribution if info else "?", info.version if info else "?", f"{hook_name}()", exc)
                continue
            results.append((impl.plugin_name, res))
        return results

    @property
    def hook(self) -> Any:
        """Pluggy's hook relay, for lifecycle hooks (``manager.hook.maze_train_start(...)``)."""
        return self.pm.hook

    def call_lifecycle(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a lifecycle hook; a plugin raising is reported once and does not stop the run."""
        return [res for _, res in self._call_each(hook_name, "lifecycle", **kwargs) if res is not None]

    # ------------------------------------------------------------------ registry
    @property
    def registry(self) -> ComponentRegistry:
        """The component registry (built lazily from all registration hooks)."""
        if self._registry is None:
            self._registry = self._build_registry()
        return self._registry

    def _build_registry(self) -> ComponentRegistry:
        registry = ComponentRegistry()
        for info in self.plugins.values():
            info.components = []
        hooks = dict.fromkeys(list(_KIND_HOOKS.values()) + [_GENERIC_HOOK])
        kind_of_hook = {h: k for k, h in _KIND_HOOKS.items()}
        for hook_name in hooks:
            for plugin_name, result in self._call_each(hook_name, "registration"):
                info = self.plugins.get(plugin_name)
                dist, version = (info.distribution, info.version) if info else ("?", "?")
                try:
                    for comp in _as_components(result, hook_name):
                        kind = comp.kind or kind_of_hook.get(hook_name, "")
                        if not comp.kind:
                            comp = Component(comp.name, comp.target, comp.help, comp.config, kind, comp.metadata)
                        registry.add(comp, plugin_name, dist, version)
                        if info:
                            info.components.append(comp)
                except TypeError as exc:
                    self._fail(plugin_name, dist, version, f"{hook_name}()", exc)
        return registry

    def config_search_path(self) -> list[str]:
        """Hydra search-path entries of all plugins, in load order (maze-core first)."""
        if self._search_path is None:
            paths: list[str] = []
            for plugin_name, result in self._call_each("maze_config_search_path", "registration"):
                entries = list(result or [])
                if plugin_name in self.plugins:
                    self.plugins[plugin_name].search_path = entries
                paths.extend(p for p in entries if p not in paths)
            self._search_path = paths
        return self._search_path

    def resolve(self, name_or_path: Any, kind: str | None = None) -> Any:
        """Resolve a registered short name or an import path (see :meth:`ComponentRegistry.resolve`)."""
        return self.registry.resolve(name_or_path, kind)

    # ------------------------------------------------------------------ listing
    def describe(self) -> str:
        """A human-readable listing of plugins, their components and failures (``maze-run --plugins``)."""
        registry = self.registry
        self.config_search_path()
        lines = [f"Maze plugins (entry-point group '{ENTRY_POINT_GROUP}'):"]
        for info in self.plugins.values():
            lines.append(f"  {info.name}: {info.distribution} {info.version}  [{info.module}]")
            if info.hooks:
                lines.append(f"    hooks: {', '.join(info.hooks)}")
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
        if self.failures:
            lines.append("Failed plugins (skipped):")
            seen = set()
            for f in self.failures:
                if (f.name, f.stage) in seen:
                    continue
                seen.add((f.name, f.stage))
                lines.append(f"  {f.describe()}")
        else:
            lines.append("Failed plugins: none")
        lines.append(f"Component kinds: {', '.join(registry.kinds())}")
        return "\n".join(lines)


def _as_components(result: Any, hook_name: str) -> Iterable[Component]:
    if result is None:
        return []
    if isinstance(result, Component):
        return [result]
    out = []
    for item in result:
        if not isinstance(item, Component):
            raise TypeError(f"{hook_name}() must return Component descriptors, got {type(item).__name__}: {item!r}")
        out.append(item)
    return out


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
    plugin = get_plugin_manager().pm.get_plugin(name)
    return plugin if isinstance(plugin, types.ModuleType) else None


Callback = Callable[..., Any]
