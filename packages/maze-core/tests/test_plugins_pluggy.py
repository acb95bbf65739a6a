"""Hooks are called the pluggy way and plugin failures stay isolated.

Real pluggy, real in-process plugin modules, Maze's real call sites (``make_env``, ``make_policy``,
``make_stats_writers``, Hydra's compose). The example packages under ``examples/`` are imported from their
source folders (installed into fresh venvs in test_third_party_plugin.py).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

from maze.core.events.pubsub import Subscriber
from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole
from maze.core.plugins import (
    ENV_WARNINGS_SHOWN,
    Component,
    ComponentConflictError,
    MazePluginManager,
    hookimpl,
    hookspec,
)
from maze.core.utils.config_utils import make_env, make_policy
from maze.core.utils.factory import ConfigError

REPO = Path(__file__).resolve().parents[3]
GYM_ENV = {"_target_": "gym_env", "name": "CartPole-v1"}


def _plugin(name: str, **hooks) -> types.ModuleType:
    """A plugin module; plain functions are marked with ``@hookimpl``, already marked ones are kept."""
    mod = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, fn if hasattr(fn, "maze_impl") else hookimpl(fn))
    return mod


def _observer(calls: list, tag: str):
    def maze_env_created(env, config):
        calls.append(tag)

    return maze_env_created


@pytest.fixture
def example_plugins(monkeypatch):
    """The plugin modules of examples/maze-colliding-plugin and examples/maze-perception-optional-plugin."""
    for folder in ("maze-colliding-plugin", "maze-perception-optional-plugin"):
        monkeypatch.syspath_prepend(str(REPO / "examples" / folder / "src"))
    import maze_colliding_plugin.plugin as colliding
    import maze_perception_optional_plugin.plugin as optional

    return types.SimpleNamespace(colliding=colliding, optional=optional)


# ---------------------------------------------------------------------------------------------- pluggy semantics
def test_tryfirst_runs_first_and_trylast_last_in_pluggys_order(plugin_manager):
    calls: list[str] = []
    # registered in the opposite order of what the markers demand
    plugin_manager.register(_plugin("early", maze_env_created=hookimpl(tryfirst=True)(_observer(calls, "tryfirst"))), "early")
    plugin_manager.register(_plugin("plain_a", maze_env_created=_observer(calls, "plain_a")), "plain_a")
    plugin_manager.register(_plugin("plain_b", maze_env_created=_observer(calls, "plain_b")), "plain_b")
    plugin_manager.register(_plugin("late", maze_env_created=hookimpl(trylast=True)(_observer(calls, "trylast"))), "late")
    env = make_env(GYM_ENV)  # the runners' call site
    expected = ["tryfirst", "plain_b", "plain_a", "trylast"]  # unmarked ones last-registered first, as pluggy documents
    assert calls == expected
    calls.clear()
    plugin_manager.hook.maze_env_created(env=env, config=None)
    assert calls == expected


def test_a_wrapper_implementation_sees_and_replaces_the_other_results(plugin_manager, tmp_path):
    from maze.core.log_stats.log_stats_utils import make_stats_writers

    keep, drop, added = LogStatsWriterConsole(), LogStatsWriterConsole(), LogStatsWriterConsole()
    seen = []

    @hookimpl(wrapper=True)
    def maze_stats_writers(output_dir):
        result = yield
        seen.append((output_dir, [list(r) for r in result]))
        return [[w for w in r if w is not drop] for r in result] + [[added]]

    plugin_manager.register(_plugin("filter", maze_stats_writers=maze_stats_writers), "filter")  # first: still wraps
    plugin_manager.register(_plugin("w_keep", maze_stats_writers=lambda output_dir: [keep]), "w_keep")
    plugin_manager.register(_plugin("w_drop", maze_stats_writers=lambda output_dir: [drop]), "w_drop")
    writers = make_stats_writers(str(tmp_path), console=False, tensorboard=False)
    assert seen == [(str(tmp_path), [[drop], [keep]])]
    assert writers == [keep, added]  # the wrapper's result, not a generator object


def test_an_old_style_hookwrapper_can_force_the_result(plugin_manager):
    sub_a, sub_b = _CountingSubscriber(), _CountingSubscriber()

    @hookimpl(hookwrapper=True)
    def maze_event_subscribers(env):
        outcome = yield
        outcome.force_result([[s for r in outcome.get_result() for s in r if s is not sub_b]])

    plugin_manager.register(_plugin("subs", maze_event_subscribers=lambda env: [sub_a, sub_b]), "subs")
    plugin_manager.register(_plugin("only_a", maze_event_subscribers=maze_event_subscribers), "only_a")
    env = make_env(GYM_ENV)
    assert env.maze_env.core_env.pubsub.subscribers.count(sub_a) == 1
    assert sub_b not in env.maze_env.core_env.pubsub.subscribers


def test_a_raising_wrapper_is_reported_and_the_wrapped_results_pass_through(plugin_manager):
    sub = _CountingSubscriber()

    @hookimpl(wrapper=True)
    def after_bug(env):
        yield
        raise RuntimeError("wrapper teardown bug")

    @hookimpl(wrapper=True)
    def before_bug(env):
        raise RuntimeError("wrapper setup bug")
        yield  # noqa: B901 - unreachable, makes it a generator

    plugin_manager.register(_plugin("subs", maze_event_subscribers=lambda env: [sub]), "subs")
    plugin_manager.register(_plugin("after", maze_event_subscribers=after_bug), "after", "after-dist", "1")
    plugin_manager.register(_plugin("before", maze_event_subscribers=before_bug), "before", "before-dist", "2")
    with pytest.warns(RuntimeWarning) as record:
        assert plugin_manager.call_lifecycle("maze_event_subscribers", env=None) == [[sub]]
        assert plugin_manager.call_lifecycle("maze_event_subscribers", env=None) == [[sub]]
    messages = [str(w.message) for w in record]
    assert sum("after-dist 1" in m and "wrapper teardown bug" in m for m in messages) == 1
    assert sum("before-dist 2" in m and "wrapper setup bug" in m for m in messages) == 1


def test_firstresult_maze_choose_component_stops_at_the_first_answer(plugin_manager):
    plugin_manager.register(_plugin("a", maze_register_policies=lambda: [Component("dup", dict)]), "a", "dist-a", "1")
    plugin_manager.register(_plugin("b", maze_register_policies=lambda: [Component("dup", list)]), "b", "dist-b", "2")
    with pytest.warns(RuntimeWarning, match="policy 'dup' is registered by dist-a 1"):
        plugin_manager.registry  # noqa: B018
    calls = []

    def pick_b(kind, name, candidates):
        calls.append("pick_b")
        assert (kind, name, [c.distribution for c in candidates]) == ("policy", "dup", ["dist-a", "dist-b"])
        return candidates[1]

    def abstain(kind, name, candidates):
        calls.append("abstain")

    def never(kind, name, candidates):
        calls.append("never")
        return candidates[0]

    plugin_manager.register(_plugin("picker", maze_choose_component=pick_b), "picker")
    plugin_manager.register(_plugin("late", maze_choose_component=hookimpl(trylast=True)(never)), "late")
    plugin_manager.register(_plugin("abstainer", maze_choose_component=abstain), "abstainer")
    assert plugin_manager.resolve("dup", "policy") is list
    assert calls == ["abstain", "pick_b"]  # the last registered first; the first answer stops the call
    assert [c.plugin for c in plugin_manager.call_lifecycle(
        "maze_choose_component", kind="policy", name="dup", candidates=plugin_manager.conflicts[0].registrations)] == ["b"]


def test_a_chooser_returning_something_else_is_an_error_naming_the_candidates(plugin_manager):
    plugin_manager.register(_plugin("a", maze_register_envs=lambda: [Component("twin", dict)]), "a", "dist-a", "1")
    plugin_manager.register(_plugin("b", maze_register_envs=lambda: [Component("twin", list)]), "b", "dist-b", "2")
    plugin_manager.register(_plugin("bad_chooser", maze_choose_component=lambda kind, name, candidates: "dist-b"), "bad_chooser")
    with pytest.warns(RuntimeWarning, match="env 'twin'"), pytest.raises(ComponentConflictError, match="returned 'dist-b'.*dist-a 1"):
        plugin_manager.resolve("twin", "env")


def test_maze_add_hookspecs_is_historic_and_replayed_for_late_registrations(plugin_manager):
    calls = []
    plugin_manager.register(_plugin("late_specs", maze_add_hookspecs=lambda pluginmanager: calls.append(pluginmanager)), "late_specs")
    assert calls == [plugin_manager.pm]
    with pytest.raises(ValueError, match="historic"):
        plugin_manager.call_lifecycle("maze_add_hookspecs", pluginmanager=plugin_manager.pm)


def test_calling_a_hook_that_has_no_spec_is_an_error(plugin_manager):
    with pytest.raises(ValueError, match="unknown hook 'maze_env_creatd'.*maze_env_created"):
        plugin_manager.call_lifecycle("maze_env_creatd", env=None, config=None)


# ---------------------------------------------------------------------------------------------- failure isolation
def test_a_raising_lifecycle_implementation_is_reported_once_and_the_others_still_run(plugin_manager):
    sub = _CountingSubscriber()

    def broken(env):
        raise ValueError("subscriber bug")

    plugin_manager.register(_plugin("subs_ok", maze_event_subscribers=lambda env: [sub]), "subs_ok")
    plugin_manager.register(_plugin("subs_broken", maze_event_subscribers=broken), "subs_broken", "broken-dist", "0.3")
    with pytest.warns(RuntimeWarning) as record:
        envs = [make_env(GYM_ENV) for _ in range(3)]
    messages = [str(w.message) for w in record if "subscriber bug" in str(w.message)]
    assert len(messages) == 1
    assert "'subs_broken' from broken-dist 0.3 failed during maze_event_subscribers(): ValueError: subscriber bug" in messages[0]
    assert all(env.maze_env.core_env.pubsub.subscribers.count(sub) == 1 for env in envs)
    [failure] = [f for f in plugin_manager.failures if f.name == "subs_broken"]
    assert not failure.plugin_skipped and "Traceback" in failure.traceback
    assert "subs_broken" in plugin_manager.plugins  # the plugin stays active
    listing = plugin_manager.describe()
    assert "Failed plugins: none" in listing and "Failed hook implementations" in listing and "subscriber bug" in listing


def _boom():
    raise RuntimeError("registration exploded")


@pytest.mark.parametrize("fault, message", [
    ({"maze_register_envs": _boom}, "registration exploded"),
    ({"maze_register_envs": lambda: ["not a component"]}, "Component descriptors"),
    ({"maze_config_search_path": lambda: "pkg://not.a.list"}, "list of search-path URLs"),
    ({"maze_add_hookspecs": lambda pluginmanager: _boom()}, "registration exploded"),
    ({"maze_policy_created": lambda policy, config, extra: None}, "can not be found in the hookspec"),  # pluggy refuses it
])
def test_a_plugin_whose_registration_failed_gets_none_of_its_lifecycle_hooks_called(plugin_manager, fault, message):
    calls = []
    hooks = {
        "maze_register_policies": lambda: [Component("faulty_policy", "maze.core.agent.random_policy.RandomPolicy")],
        "maze_env_created": lambda env, config: calls.append("env_created"),
        "maze_policy_created": lambda policy, config: calls.append("policy_created"),
        "maze_run_start": lambda config: calls.append("run_start"),
        **fault,
    }
    with pytest.warns(RuntimeWarning, match=message) as record:
        plugin_manager.register(_plugin("faulty", **hooks), "faulty", "faulty-dist", "0.9")
        plugin_manager.call_lifecycle("maze_run_start", config=None)  # before anything built the registry
        env = make_env(GYM_ENV)
        make_policy({"_target_": "random_policy"}, env)
        plugin_manager.hook.maze_env_created(env=env, config=None)
    assert calls == []
    assert len([w for w in record if "faulty-dist 0.9" in str(w.message)]) == 1
    assert "faulty" not in plugin_manager.plugins
    with pytest.raises(ConfigError, match="unknown policy 'faulty_policy'"):
        make_policy({"_target_": "faulty_policy"}, env)
    assert "plugin 'faulty' from faulty-dist 0.9 failed" in plugin_manager.describe()


def test_a_hook_of_an_absent_distribution_is_skipped_and_the_plugins_env_and_policy_work(example_plugins):
    """A core-only manager (no maze-perception plugin, so no maze_register_blocks spec)."""
    pm = MazePluginManager(autoload=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an expected absence is not a warning
        pm.register(example_plugins.optional, "perception_optional", "maze-perception-optional-plugin", "0.1.0")
        env = pm.resolve("optional_corridor", "env")(length=4)
    policy = pm.resolve("optional_go_right", "policy")()
    env.reset(seed=1)
    rewards, done = [], False
    while not done:
        _, reward, terminated, truncated, _ = env.step(policy.compute_action(None))
        rewards.append(reward)
        done = terminated or truncated
    assert rewards == [-1.0, -1.0, 0.0]
    assert "block" not in pm.registry.kinds() and pm.failures == []
    listing = pm.describe()
    assert "maze_register_blocks skipped: hook spec not available (provided by maze-perception" in listing
    assert "Failed plugins: none" in listing

    # once the distribution that owns the spec registers, pluggy validates the waiting implementation and it is used
    perception = pytest.importorskip("maze.perception.plugin", reason="the second half needs maze-perception")

    pm.register(perception, "perception", "maze-perception", "0.1.0")
    assert pm.registry.get("block", "CorridorDenseBlock").plugin == "perception_optional"
    assert "skipped" not in pm.describe()


def test_optionalhook_implementations_without_spec_are_skipped_silently(plugin_manager):
    @hookimpl(optionalhook=True)
    def maze_register_gizmos():
        raise AssertionError("a hook without spec is never called")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plugin_manager.register(_plugin("gizmo", maze_register_gizmos=maze_register_gizmos,
                                        maze_register_envs=lambda: [Component("gizmo_env", dict)]), "gizmo")
        assert plugin_manager.resolve("gizmo_env", "env") is dict
    assert "maze_register_gizmos skipped: no hook spec (optionalhook=True" in plugin_manager.describe()


# ---------------------------------------------------------------------------------------------- collisions
def test_a_colliding_plugin_is_reported_once_and_fails_only_where_the_name_is_resolved(plugin_manager, example_plugins):
    with pytest.warns(RuntimeWarning) as record:
        plugin_manager.register(example_plugins.colliding, "colliding", "maze-colliding-plugin", "0.1.0")
        listing = plugin_manager.describe()
        env = make_env(GYM_ENV)
        first = make_policy({"_target_": "first_action_policy"}, env)  # its other policy works
        builtin = make_policy({"_target_": "maze.core.agent.random_policy.RandomPolicy"}, env)
    conflicts = [str(w.message) for w in record if "policy 'random_policy'" in str(w.message)]
    assert len(conflicts) == 1 and "maze-core" in conflicts[0] and "maze-colliding-plugin 0.1.0" in conflicts[0]
    assert "Name conflicts" in listing and "maze_colliding_plugin.policy.FirstActionPolicy" in listing
    assert first.compute_action(None) == {"action": 0} and type(builtin).__name__ == "RandomPolicy"
    with pytest.raises(ConfigError) as err:
        make_policy({"_target_": "random_policy"}, env)
    assert "maze-core" in str(err.value) and "maze-colliding-plugin 0.1.0" in str(err.value)
    assert "maze.core.agent.random_policy.RandomPolicy" in str(err.value)  # how to say which one is meant


def test_a_shadowed_config_file_is_warned_about_naming_both_plugins_and_hydra_uses_the_first(plugin_manager, example_plugins):
    from hydra import compose, initialize

    with pytest.warns(RuntimeWarning) as record:
        plugin_manager.register(example_plugins.colliding, "colliding", "maze-colliding-plugin", "0.1.0")
        paths = plugin_manager.config_search_path()
    shadows = [str(w.message) for w in record if "env/gym_env.yaml" in str(w.message)]
    assert len(shadows) == 1
    assert "plugin 'colliding' (maze-colliding-plugin 0.1.0, pkg://maze_colliding_plugin.conf)" in shadows[0]
    assert "plugin 'core' (maze-core" in shadows[0] and "pkg://maze.core.conf" in shadows[0]
    assert paths.index("pkg://maze.core.conf") < paths.index("pkg://maze_colliding_plugin.conf")
    assert [s.path for s in plugin_manager.config_shadows()] == ["env/gym_env.yaml"]
    with initialize(config_path=None, version_base=None):  # maze-run's search path
        cfg = compose(config_name="conf_rollout", overrides=["env=gym_env", "policy=first_action_policy"])
    assert cfg.env.name == "CartPole-v1" and cfg.policy._target_ == "first_action_policy"


# ---------------------------------------------------------------------------------------------- once per run
_CHILD_MODULE = '''
import warnings

from maze.core.plugins import MazePluginManager, hookimpl


@hookimpl
def maze_register_envs():
    raise RuntimeError("flaky registration")


def count_warnings(queue):
    import sys

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        pm = MazePluginManager(autoload=False)
        pm.register(sys.modules[__name__], "flaky", "flaky-dist", "1.0")
        pm.registry
    queue.put(([str(w.message) for w in record], [f.describe() for f in pm.failures]))


if __name__ == "__main__":
    import multiprocessing

    q = multiprocessing.Queue()
    count_warnings(q)
    print(len(q.get()[0]))
'''


def test_a_worker_process_does_not_repeat_a_warning_of_the_main_process(plugin_manager, monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_WARNINGS_SHOWN, raising=False)
    (tmp_path / "flaky_plugin.py").write_text(textwrap.dedent(_CHILD_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    import flaky_plugin

    with pytest.warns(RuntimeWarning, match="flaky-dist 1.0.*flaky registration"):
        plugin_manager.register(flaky_plugin, "flaky", "flaky-dist", "1.0")
        plugin_manager.registry  # noqa: B018
    assert any("flaky" in key for key in json.loads(os.environ[ENV_WARNINGS_SHOWN]))

    ctx = multiprocessing.get_context("spawn")  # how the parallel rollout runner starts its workers
    queue = ctx.Queue()
    worker = ctx.Process(target=flaky_plugin.count_warnings, args=(queue,))
    worker.start()
    shown, failures = queue.get(timeout=60)
    worker.join(timeout=60)
    assert shown == [] and len(failures) == 1  # recorded, logged at debug level, not warned again

    # a separate run started from this process (not a worker of it) warns again
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    res = subprocess.run([sys.executable, str(tmp_path / "flaky_plugin.py")], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "1"


class _CountingSubscriber(Subscriber):
    """An event subscriber that listens to nothing (only its registration matters here)."""

    def get_interfaces(self) -> list[type]:
        return []


def test_plugin_added_hookspecs_get_pluggy_markers_too(plugin_manager):
    """A distribution's own firstresult spec (added through maze_add_hookspecs) behaves like maze-core's."""
    specs = types.ModuleType("answer_specs")

    @hookspec(firstresult=True)
    def maze_pick_answer(question):
        """Called when an answer is needed; ``firstresult``: the first non-None answer wins.

        :param question: the question.
        :return: the answer or None.

        .. versionadded:: 0.2
        """

    specs.maze_pick_answer = maze_pick_answer
    plugin_manager.register(_plugin("answer_specs", maze_add_hookspecs=lambda pluginmanager: pluginmanager.add_hookspecs(specs)),
                            "answer_specs")
    plugin_manager.register(_plugin("forty_two", maze_pick_answer=lambda question: 42), "forty_two")
    plugin_manager.register(_plugin("no_idea", maze_pick_answer=lambda question: None), "no_idea")
    assert plugin_manager.call_lifecycle("maze_pick_answer", question="?") == [42]
    assert plugin_manager.hook.maze_pick_answer(question="?") == 42


def test_plugin_objects_with_methods_keep_their_signatures_behind_the_guards(plugin_manager):
    class Observer:
        def __init__(self):
            self.created = []

        @hookimpl
        def maze_policy_created(self, policy, config=None):  # a default makes pluggy pass it as keyword
            self.created.append((type(policy).__name__, config))

    observer = Observer()
    plugin_manager.register(observer, "observer_object")
    env = make_env(GYM_ENV)
    make_policy({"_target_": "random_policy"}, env)
    assert observer.created == [("RandomPolicy", {"_target_": "random_policy"})]
    assert plugin_manager.get_plugin("observer_object") is observer


def test_a_second_plugin_with_a_taken_name_is_refused_and_the_first_stays(plugin_manager):
    plugin_manager.register(_plugin("first", maze_register_envs=lambda: [Component("first_env", dict)]), "same_name", "dist-1", "1")
    with pytest.warns(RuntimeWarning, match="dist-2 2 failed during registration.*'same_name' is already registered"):
        plugin_manager.register(_plugin("second", maze_register_envs=lambda: [Component("second_env", list)]), "same_name",
                                "dist-2", "2")
    assert plugin_manager.plugins["same_name"].distribution == "dist-1"
    assert plugin_manager.resolve("first_env", "env") is dict
    assert "second_env" not in plugin_manager.registry.names("env")
