"""Factory security: targets are type-checked before they are called, and untrusted configs name registered components only."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from maze.core.agent.policy import Policy
from maze.core.agent.random_policy import RandomPolicy
from maze.core.plugins import Component, hookimpl
from maze.core.utils.factory import (
    ConfigError,
    Factory,
    check_untrusted_targets,
    resolve_callable,
    resolve_type,
    untrusted_config,
    untrusted_source,
)
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.core.wrappers.observation_preprocessing.preprocessors import PreProcessor, Rgb2GrayPreProcessor
from maze.core.wrappers.time_limit_wrapper import TimeLimitWrapper
from maze.core.wrappers.wrapper import Wrapper
from maze.core.wrappers.wrapper_factory import WrapperFactory

RUN_CONFIG = "/runs/earlier/.hydra/config.yaml"


def one_line(exc_info: pytest.ExceptionInfo) -> str:
    message = str(exc_info.value)
    assert "\n" not in message
    return message


@pytest.fixture
def pwned(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


@pytest.mark.parametrize("config", [
    {"_target_": "os.system", "command": "touch {pwned}"},
    {"_target_": "subprocess.Popen", "args": ["touch", "{pwned}"]},
    {"_target_": "builtins.eval", "source": "__import__('pathlib').Path('{pwned}').touch()"},
    {"_target_": "builtins.exec", "source": "__import__('pathlib').Path('{pwned}').touch()"},
    {"_target_": "pathlib.Path.touch", "self": "{pwned}"},
])
def test_trusted_configs_are_type_checked_before_the_call(config: dict, pwned: Path) -> None:
    config = {k: (v.format(pwned=pwned) if isinstance(v, str) else [a.format(pwned=pwned) for a in v]) for k, v in config.items()}
    with pytest.raises(ConfigError) as exc_info:
        Factory(Policy, kind="policy").instantiate(config, _key="policy")
    message = one_line(exc_info)
    assert f"policy._target_ = {config['_target_']!r}" in message
    assert "maze.core.agent.policy.Policy" in message
    assert not pwned.exists()


def test_a_factory_function_is_called_only_when_registered(plugin_manager) -> None:
    env = Factory(GymMazeEnv, kind="env").instantiate({"_target_": "gym_env", "name": "CartPole-v1"})
    assert isinstance(env, GymMazeEnv)
    # the same registered function through its import path
    env = Factory(GymMazeEnv, kind="env").instantiate(
        {"_target_": "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env", "name": "CartPole-v1"})
    assert isinstance(env, GymMazeEnv)
    # an unregistered function without a declared return type is not called, even though it would return the right type
    path = f"{__name__}.make_cartpole"
    with pytest.raises(ConfigError, match=r"env._target_ = '.*make_cartpole' resolves to the function .*no plugin "
                                          r"registered as a Maze env") as exc_info:
        Factory(GymMazeEnv, kind="env").instantiate({"_target_": path}, _key="env")
    one_line(exc_info)
    assert CALLS == []
    # on the command line, a factory function whose return annotation declares the type is called (the docs' pattern)
    env = Factory(GymMazeEnv, kind="env").instantiate({"_target_": f"{__name__}.make_annotated_cartpole"}, _key="env")
    assert isinstance(env, GymMazeEnv) and CALLS == ["annotated"]
    CALLS.clear()
    with untrusted_config("run dir config.yaml"):  # ...but never from a file
        with pytest.raises(ConfigError):
            Factory(GymMazeEnv, kind="env").instantiate({"_target_": f"{__name__}.make_annotated_cartpole"}, _key="env")
    assert CALLS == []

    class Plugin:
        @staticmethod
        @hookimpl
        def maze_register_envs():
            return [Component("cartpole_factory", path)]

    plugin_manager.register(Plugin, name="test_factory_function_plugin")
    assert isinstance(Factory(GymMazeEnv, kind="env").instantiate({"_target_": path}), GymMazeEnv)
    assert CALLS == ["called"]


CALLS: list[str] = []


def make_cartpole():  # noqa: ANN201 - deliberately without a return annotation
    CALLS.append("called")
    return GymMazeEnv("CartPole-v1")


def make_annotated_cartpole() -> GymMazeEnv:
    CALLS.append("annotated")
    return GymMazeEnv("CartPole-v1")


def test_resolve_type_is_the_one_helper_with_one_error_type() -> None:
    assert resolve_type("TimeLimitWrapper", Wrapper, key="wrappers", kind="wrapper") is TimeLimitWrapper
    assert resolve_type("maze.preprocessors.Rgb2GrayPreProcessor", PreProcessor, key="k", kind="preprocessor") \
        is Rgb2GrayPreProcessor
    assert resolve_type(RandomPolicy, Policy, key="k") is RandomPolicy
    with pytest.raises(ConfigError, match=r"^wrappers = 'NoSuchWrapper': unknown wrapper 'NoSuchWrapper' \(registered "
                                          r"wrapper names: .*TimeLimitWrapper"):
        resolve_type("NoSuchWrapper", Wrapper, key="wrappers", kind="wrapper")
    with pytest.raises(ConfigError, match=r"^k = 'collections.OrderedDict' resolves to the class collections.OrderedDict, "
                                          r"expected a subclass of maze.core.wrappers.wrapper.Wrapper$"):
        resolve_type("collections.OrderedDict", Wrapper, key="k")
    with pytest.raises(ConfigError, match=r"^k = 'os.system' resolves to the function posix.system, expected a subclass"):
        resolve_type("os.system", Wrapper, key="k")
    with pytest.raises(ConfigError, match=r"^k = 'os.sep' resolves to a str .*expected a subclass"):
        resolve_type("os.sep", Wrapper, key="k")
    with pytest.raises(ConfigError, match=r"^k = 'no_such_module.X': cannot import"):
        resolve_type("no_such_module.X", Wrapper, key="k")


def test_wrapper_factory_errors_name_the_wrapper_and_the_base_class() -> None:
    env = GymMazeEnv("CartPole-v1")
    with pytest.raises(ConfigError, match=r"^wrappers = 'subprocess.Popen' resolves to the class subprocess.Popen, "
                                          r"expected a subclass of maze.core.wrappers.wrapper.Wrapper$"):
        WrapperFactory.wrap_from_config(env, {"subprocess.Popen": {"args": ["true"]}})


# ---------------------------------------------------------------------------------------------- untrusted configs
SIDE_EFFECT_MODULE = """
import pathlib
pathlib.Path({marker!r}).touch()   # importing this module is already code execution

from maze.core.agent.random_policy import RandomPolicy

class SneakyPolicy(RandomPolicy):
    pass
"""


@pytest.fixture
def sneaky_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An importable module whose import leaves a marker file; it defines a valid Policy subclass."""
    name = f"sneaky_policies_{tmp_path.name.replace('-', '_')}"
    marker = tmp_path / "imported"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(SIDE_EFFECT_MODULE.format(marker=str(marker))))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, marker
    sys.modules.pop(name, None)


def test_untrusted_configs_refuse_unregistered_paths_without_importing_them(sneaky_module) -> None:
    module, marker = sneaky_module
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    config = {"_target_": f"{module}.SneakyPolicy"}
    with untrusted_config(RUN_CONFIG):
        assert untrusted_source() == RUN_CONFIG
        with pytest.raises(ConfigError) as exc_info:
            Factory(Policy, kind="policy").instantiate(config, _key="policy", action_spaces_dict=spaces)
    assert untrusted_source() is None
    message = one_line(exc_info)
    assert message.startswith(f"{RUN_CONFIG}: policy._target_ = '{module}.SneakyPolicy' is not a registered policy "
                              f"(expected a subclass of maze.core.agent.policy.Policy")
    assert "neither imported nor called" in message and "command line" in message
    assert not marker.exists() and module not in sys.modules
    # the same config given on the command line (trusted) may name any import path of a Policy subclass
    policy = Factory(Policy, kind="policy").instantiate(config, action_spaces_dict=spaces)
    assert type(policy).__name__ == "SneakyPolicy" and marker.exists()


def test_untrusted_configs_accept_registered_names_paths_and_re_exports() -> None:
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    with untrusted_config(RUN_CONFIG):
        for target in ("random_policy", "maze.core.agent.random_policy.RandomPolicy", "maze.core.agent.random_policy:RandomPolicy"):
            assert type(Factory(Policy, kind="policy").instantiate({"_target_": target}, action_spaces_dict=spaces)) is RandomPolicy
        # a re-export of a registered class in a package above its module, and the docs' alias
        assert resolve_type("maze.core.wrappers.observation_preprocessing.preprocessors.Rgb2GrayPreProcessor",
                            PreProcessor, key="k", kind="preprocessor") is Rgb2GrayPreProcessor
        assert resolve_type("maze.preprocessors.Rgb2GrayPreProcessor", PreProcessor, key="k", kind="preprocessor") \
            is Rgb2GrayPreProcessor
        # a class that is only imported into a registered module is not a registered component
        with pytest.raises(ConfigError, match=r"'maze.core.agent.random_policy.Policy' is not a registered Maze component"):
            resolve_type("maze.core.agent.random_policy.Policy", object, key="k")
        # registered, but of another kind than the factory's
        with pytest.raises(ConfigError, match=r"policy._target_ = 'TimeLimitWrapper': unknown policy"):
            Factory(Policy, kind="policy").instantiate({"_target_": "TimeLimitWrapper"}, _key="policy")


def test_untrusted_nested_targets_are_refused_before_the_outer_component_is_built(pwned: Path) -> None:
    spaces = GymMazeEnv("CartPole-v1").action_spaces_dict
    config = {"_target_": "random_policy", "action_spaces_dict": spaces,
              "nested": {"parts": [{"_target_": "os.system", "command": f"touch {pwned}"}]}}
    with untrusted_config(RUN_CONFIG):
        with pytest.raises(ConfigError) as exc_info:
            Factory(Policy, kind="policy").instantiate(config, _key="policy")
    assert one_line(exc_info).startswith(f"{RUN_CONFIG}: policy.nested.parts[0]._target_ = 'os.system' is not a "
                                         f"registered Maze component")
    assert not pwned.exists()
    with untrusted_config(RUN_CONFIG):
        with pytest.raises(ConfigError, match=r"x.c._target_ = 42: expected the name or import path"):
            check_untrusted_targets({"a": 1, "b": [{"_target_": "random_policy"}], "c": {"_target_": 42}}, "x")
    check_untrusted_targets({"_target_": "os.system"}, "x")  # trusted: nothing to check


def test_untrusted_wrapper_and_callable_options(pwned: Path) -> None:
    env = GymMazeEnv("CartPole-v1")
    with untrusted_config(RUN_CONFIG, hint="pass the wrappers on the command line"):
        wrapped = WrapperFactory.wrap_from_config(env, {"TimeLimitWrapper": {"max_episode_steps": 5}})
        assert isinstance(wrapped, TimeLimitWrapper)
        with pytest.raises(ConfigError) as exc_info:
            WrapperFactory.wrap_from_config(env, {"subprocess.Popen": {"args": ["touch", str(pwned)]}})
        assert one_line(exc_info) == (
            f"{RUN_CONFIG}: wrappers = 'subprocess.Popen' is not a registered wrapper (expected a subclass of "
            f"maze.core.wrappers.wrapper.Wrapper); a config read from a file may only name registered components, so it "
            f"was neither imported nor called. To use it, pass the wrappers on the command line")
        with pytest.raises(ConfigError, match=r"func = 'os.system' is not a registered function"):
            resolve_callable("os.system", key="func")
    assert not pwned.exists()
    import math

    assert resolve_callable("math.sqrt", key="func") is math.sqrt  # trusted: any importable callable
    with pytest.raises(ConfigError, match=r"func = 'math.pi' resolves to a float, expected a callable"):
        resolve_callable("math.pi", key="func")


def test_untrusted_configs_call_registered_functions_only_where_their_kind_is_expected() -> None:
    with untrusted_config(RUN_CONFIG):
        env = Factory(GymMazeEnv, kind="env").instantiate({"_target_": "gym_env", "name": "CartPole-v1"})
        assert isinstance(env, GymMazeEnv)
        with pytest.raises(ConfigError, match=r"_target_ = 'gym_env' is not a class derived from the expected base class"):
            Factory(GymMazeEnv).instantiate({"_target_": "gym_env", "name": "CartPole-v1"})
        with pytest.raises(ConfigError, match=r"policy._target_ = 'maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env' "
                                              r"is not a registered policy"):
            Factory(Policy, kind="policy").instantiate(
                {"_target_": "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env", "name": "CartPole-v1"}, _key="policy")
