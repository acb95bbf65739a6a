"""The plugin manager, hookspecs and the component registry (in-process plugins; installed ones in
test_third_party_plugin.py)."""

from __future__ import annotations

import inspect
import types
import warnings

import pytest

from maze.core.plugins import (
    Component,
    ComponentConflictError,
    ComponentError,
    MazePluginManager,
    hookimpl,
    hookspecs,
    import_object,
    register_component_kind,
)


def _module(name: str, **hooks) -> types.ModuleType:
    mod = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, hookimpl(fn))
    return mod


def test_every_hookspec_is_documented():
    """Each spec says when it is called, what it returns, and declares (and documents) its pluggy markers."""
    specs = [(n, f) for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("maze_")]
    assert len(specs) >= 16
    for name, fn in specs:
        doc = inspect.getdoc(fn) or ""
        opts = getattr(fn, f"{hookspecs.PROJECT_NAME}_spec")
        assert "Called" in doc, f"{name}: the docstring must say when it is called"
        assert "versionadded" in doc or "versionchanged" in doc, f"{name}: missing versionadded/versionchanged note"
        if inspect.signature(fn).return_annotation not in ("None", None):
            assert ":return:" in doc, f"{name}: the docstring must say what it returns"
        if opts.get("firstresult"):
            assert "``firstresult``:" in doc, f"{name}: declared firstresult=True, the docstring must explain it"
        else:
            assert "firstresult=True" not in doc, name
        if opts.get("historic"):
            assert "``historic``" in doc, f"{name}: declared historic=True, the docstring must explain it"
    declared = {n for n, f in specs if getattr(f, f"{hookspecs.PROJECT_NAME}_spec").get("firstresult")}
    assert declared == {"maze_choose_component"}
    assert getattr(hookspecs.maze_add_hookspecs, f"{hookspecs.PROJECT_NAME}_spec")["historic"] is True


def test_every_hookspec_is_exercised_by_a_test():
    """datasette-style meta-test: each hook name appears in some package's tests."""
    from pathlib import Path

    specs = [n for n, _ in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("maze_")]
    packages = Path(__file__).resolve().parents[2]
    sources = "\n".join(p.read_text() for p in packages.glob("*/tests/**/*.py"))
    untested = [name for name in specs if name not in sources]
    assert not untested, f"hookspecs without a test: {untested}"


def test_builtin_components_resolve_by_name_and_by_path(plugin_manager):
    from maze.core.agent.random_policy import RandomPolicy
    from maze.core.wrappers.maze_gym_env_wrapper import make_gym_maze_env

    assert plugin_manager.resolve("random_policy", "policy") is RandomPolicy
    assert plugin_manager.resolve("random_policy") is RandomPolicy
    assert plugin_manager.resolve("maze.core.agent.random_policy.RandomPolicy") is RandomPolicy
    assert plugin_manager.resolve("maze.core.agent.random_policy:RandomPolicy") is RandomPolicy
    assert plugin_manager.resolve("gym_env", "env") is make_gym_maze_env
    assert "core" in plugin_manager.plugins
    assert "pkg://maze.core.conf" in plugin_manager.config_search_path()


def test_unknown_names_list_the_registered_ones(plugin_manager):
    with pytest.raises(ComponentError) as err:
        plugin_manager.resolve("no_such_policy", "policy")
    assert "random_policy" in str(err.value) and "no_such_policy" in str(err.value)
    with pytest.raises(ComponentError, match="no attribute 'Nope'"):
        import_object("maze.core.agent.random_policy.Nope")
    with pytest.raises(ComponentError, match="cannot import"):
        import_object("no_such_module_xyz.Thing")


def test_maze_register_envs_and_maze_register_policies_from_a_plugin(plugin_manager):
    class MyPolicy:
        pass

    plugin = _module(
        "my_plugin",
        maze_register_envs=lambda: [Component("my_env", "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv", help="x")],
        maze_register_policies=lambda: [Component("my_policy", MyPolicy)],
    )
    plugin_manager.register(plugin, "my_plugin", "my-dist", "1.2.3")
    assert plugin_manager.resolve("my_policy", "policy") is MyPolicy
    entry = plugin_manager.registry.get("env", "my_env")
    assert entry.distribution == "my-dist" and entry.version == "1.2.3"
    assert "my_policy" in plugin_manager.describe()


def test_maze_register_wrappers_runners_algorithms_and_components(plugin_manager):
    plugin = _module(
        "kinds",
        maze_register_wrappers=lambda: [Component("MyWrapper", "maze.core.wrappers.wrapper.Wrapper")],
        maze_register_runners=lambda: [Component("my_runner", "maze.core.rollout.sequential_rollout_runner.SequentialRolloutRunner")],
        maze_register_algorithms=lambda: [Component("my_algo", dict, metadata={"runners": {"dev": "x.y"}})],
        maze_register_components=lambda: [Component("my_writer", list, kind="stats_writer")],
    )
    plugin_manager.register(plugin, "kinds")
    reg = plugin_manager.registry
    assert reg.get("wrapper", "MyWrapper").component.kind == "wrapper"
    assert reg.get("runner", "my_runner").plugin == "kinds"
    assert reg.get("algorithm", "my_algo").component.metadata["runners"]["dev"] == "x.y"
    assert plugin_manager.resolve("my_writer", "stats_writer") is list


def test_a_name_registered_twice_is_reported_once_and_fails_only_when_resolved(plugin_manager):
    plugin_manager.register(_module("a", maze_register_policies=lambda: [Component("dup", dict), Component("only_a", set)]),
                            "a", "dist-a", "1.0")
    plugin_manager.register(_module("b", maze_register_policies=lambda: [Component("dup", list)]), "b", "dist-b", "2.0")
    with pytest.warns(RuntimeWarning, match="policy 'dup' is registered by dist-a 1.0.*and by dist-b 2.0") as record:
        registry = plugin_manager.registry
    assert len([w for w in record if "'dup'" in str(w.message)]) == 1
    assert registry.get("policy", "only_a").component.target is set  # everything else of both plugins works
    assert plugin_manager.resolve("builtins.list") is list
    assert registry.entries("policy")[[e.component.name for e in registry.entries("policy")].index("dup")].plugin == "a"
    with pytest.raises(ComponentConflictError) as err:
        plugin_manager.resolve("dup", "policy")
    assert "dist-a 1.0" in str(err.value) and "dist-b 2.0" in str(err.value) and "builtins.list" in str(err.value)
    assert isinstance(err.value, ComponentError)  # config factories turn it into a ConfigError naming the key
    [conflict] = plugin_manager.conflicts
    assert conflict.distributions == ["dist-a", "dist-b"]
    assert "Name conflicts" in plugin_manager.describe() and "dist-b 2.0 (plugin 'b')" in plugin_manager.describe()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rebuilding the registry does not report again
        plugin_manager.register(_module("c", maze_register_envs=lambda: [Component("c_env", dict)]), "c")
        assert plugin_manager.resolve("c_env", "env") is dict


def test_the_same_target_registered_twice_is_not_a_conflict(plugin_manager):
    plugin_manager.register(_module("again", maze_register_policies=lambda: [
        Component("random_policy", "maze.core.agent.random_policy.RandomPolicy")]), "again")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plugin_manager.resolve("random_policy", "policy").__name__ == "RandomPolicy"
    assert plugin_manager.conflicts == []


def test_a_plugin_raising_in_a_registration_hook_is_reported_once_and_skipped(plugin_manager):
    def boom():
        raise RuntimeError("registration exploded")

    plugin_manager.register(_module("bad", maze_register_envs=boom), "bad", "bad-dist", "0.1")
    plugin_manager.register(_module("good", maze_register_envs=lambda: [Component("good_env", dict)]), "good")
    with pytest.warns(RuntimeWarning, match="bad-dist 0.1.*registration exploded"):
        registry = plugin_manager.registry
    assert registry.get("env", "good_env").plugin == "good"
    assert registry.get("env", "gym_env").plugin == "core"
    failures = [f for f in plugin_manager.failures if f.name == "bad"]
    assert len(failures) == 1 and "RuntimeError" in failures[0].error and "Traceback" in failures[0].traceback
    assert "bad-dist" in plugin_manager.describe()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second lookup must not report again
        plugin_manager.resolve("good_env", "env")


def test_a_registration_hook_returning_garbage_is_reported(plugin_manager):
    plugin_manager.register(_module("junk", maze_register_envs=lambda: ["not a component"]), "junk", "junk-dist", "0")
    with pytest.warns(RuntimeWarning, match="Component descriptors"):
        plugin_manager.registry  # noqa: B018


def test_an_unknown_hook_implementation_is_reported_and_the_plugins_other_hooks_survive(plugin_manager):
    typo = _module("typo", maze_register_envz=lambda: [], maze_register_envs=lambda: [Component("typo_env", dict)])
    with pytest.warns(RuntimeWarning, match="unknown hook 'maze_register_envz'.*other hooks stay active"):
        plugin_manager.register(typo, "typo", "typo-dist", "1")
    assert "typo" in plugin_manager.plugins
    assert plugin_manager.resolve("typo_env", "env") is dict
    [failure] = [f for f in plugin_manager.failures if f.name == "typo"]
    assert failure.stage == "validation" and not failure.plugin_skipped
    listing = plugin_manager.describe()
    assert "maze_register_envz skipped: unknown hook" in listing and "Failed plugins: none" in listing


def test_maze_add_hookspecs_lets_a_distribution_add_hooks_and_component_kinds(plugin_manager):
    spec_module = types.ModuleType("gadget_specs")

    @hookspecs.hookspec
    def maze_register_gadgets():
        """Called once; returns gadget components.

        .. versionadded:: 0.1
        """

    spec_module.maze_register_gadgets = maze_register_gadgets

    def add_hookspecs(pluginmanager):
        pluginmanager.add_hookspecs(spec_module)
        register_component_kind("gadget", "maze_register_gadgets")

    plugin_manager.register(_module("gadgets", maze_add_hookspecs=add_hookspecs), "gadgets")
    plugin_manager.register(_module("gadget_user", maze_register_gadgets=lambda: [Component("g1", tuple)]), "gadget_user")
    assert plugin_manager.resolve("g1", "gadget") is tuple


def test_a_plugin_raising_in_maze_add_hookspecs_is_reported_and_skipped(plugin_manager):
    def explode(pluginmanager):
        raise RuntimeError("hookspec module missing")

    with pytest.warns(RuntimeWarning, match="hookspec module missing"):
        plugin_manager.register(_module("spec_bomb", maze_add_hookspecs=explode), "spec_bomb", "bomb-dist", "1")
    assert "spec_bomb" not in plugin_manager.plugins
    assert plugin_manager.resolve("random_policy", "policy").__name__ == "RandomPolicy"


def test_maze_config_search_path_collects_all_plugins_in_order(plugin_manager):
    plugin_manager.register(_module("conf_plugin", maze_config_search_path=lambda: ["pkg://somewhere.conf"]), "conf_plugin")
    paths = plugin_manager.config_search_path()
    assert paths[0] == "pkg://maze.core.conf" and paths[-1] == "pkg://somewhere.conf"


def test_autoload_can_be_disabled(monkeypatch):
    monkeypatch.setenv("MAZE_DISABLE_PLUGIN_AUTOLOAD", "1")
    pm = MazePluginManager()
    assert list(pm.plugins) == ["core"]
    monkeypatch.setenv("MAZE_PLUGINS", "cutting2d")
    pm = MazePluginManager()
    assert set(pm.plugins) <= {"core", "cutting2d"}


def test_hook_calls_can_be_traced(monkeypatch, capsys):
    monkeypatch.setenv("MAZE_TRACE_HOOKS", "1")
    pm = MazePluginManager()
    pm.pm.hook.maze_register_envs()
    assert "[maze hook] maze_register_envs" in capsys.readouterr().err
