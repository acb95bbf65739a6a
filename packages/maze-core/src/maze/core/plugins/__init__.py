"""The Maze plugin system (pluggy project ``maze``, entry-point group ``maze``).

Hooks are called through pluggy's own hook callers, so ``tryfirst``/``trylast``, ``wrapper=True``
and ``firstresult`` behave as pluggy documents; a plugin that fails is reported once and skipped
(see :mod:`maze.core.plugins.manager`).

A plugin is a module registered under ``[project.entry-points.maze]`` that implements hooks from
:mod:`maze.core.plugins.hookspecs` with :data:`hookimpl`::

    from maze.core.plugins import Component, hookimpl

    @hookimpl
    def maze_register_envs():
        return [Component("my_env", "my_pkg.env:make_env", help="my env", config="env/my_env")]

    @hookimpl
    def maze_config_search_path():
        return ["pkg://my_pkg.conf"]
"""

from maze.core.plugins.hookspecs import PROJECT_NAME, hookimpl, hookspec
from maze.core.plugins.manager import (
    ENTRY_POINT_GROUP,
    ENV_DISABLE_AUTOLOAD,
    ENV_ENABLE_PLUGINS,
    ENV_TRACE_HOOKS,
    ENV_WARNINGS_SHOWN,
    KNOWN_OPTIONAL_HOOKS,
    ConfigShadow,
    MazePluginManager,
    PluginFailure,
    PluginInfo,
    get_plugin_manager,
    register_component_kind,
    reset_plugin_manager,
    resolve,
)
from maze.core.plugins.registry import (
    Component,
    ComponentConflict,
    ComponentConflictError,
    ComponentError,
    ComponentRegistry,
    RegisteredComponent,
    import_object,
)

__all__ = [
    "PROJECT_NAME",
    "ENTRY_POINT_GROUP",
    "ENV_DISABLE_AUTOLOAD",
    "ENV_ENABLE_PLUGINS",
    "ENV_TRACE_HOOKS",
    "ENV_WARNINGS_SHOWN",
    "KNOWN_OPTIONAL_HOOKS",
    "Component",
    "ComponentConflict",
    "ComponentConflictError",
    "ComponentError",
    "ComponentRegistry",
    "ConfigShadow",
    "MazePluginManager",
    "PluginFailure",
    "PluginInfo",
    "RegisteredComponent",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "import_object",
    "register_component_kind",
    "reset_plugin_manager",
    "resolve",
]
