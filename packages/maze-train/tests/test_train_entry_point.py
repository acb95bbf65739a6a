"""maze-train registers its plugin module under the `maze` entry-point group and it loads; its components and
config groups are discoverable."""

from __future__ import annotations

from hydra import compose, initialize

from maze.core.plugins import get_plugin_manager
from maze.core.testing import assert_plugin_entry_point
from maze.train.trainers.common.algorithm import AlgorithmSpec, find_algorithm


def test_train_entry_point_loads_and_is_registered():
    assert_plugin_entry_point("train", "maze-train", "maze.train.plugin", config_module="maze.train.conf")


def test_components_registered() -> None:
    registry = get_plugin_manager().registry
    assert {"a2c", "ppo", "bc"} <= set(registry.names("algorithm"))
    assert "training_runner" in registry.names("runner")
    assert "torch_policy" in registry.names("policy")
    ppo = registry.get("algorithm", "ppo").component
    assert isinstance(ppo, AlgorithmSpec) and ppo.modes == ["dev", "local"]
    assert ppo.trainer_class().__name__ == "PPO" and ppo.config_class().__name__ == "PPOAlgorithmConfig"


def test_conf_train_composes_with_defaults() -> None:
    with initialize(version_base=None, config_path=None):
        cfg = compose(config_name="conf_train", overrides=["env.name=CartPole-v1", "algorithm=a2c", "algorithm.n_epochs=5"])
    assert cfg.algorithm.n_epochs == 5 and cfg.algorithm.gamma == 0.98 and cfg.algorithm.lr == 0.0005
    assert cfg.runner.mode == "dev" and cfg.model._target_.endswith("CustomModelComposer")
    assert find_algorithm(cfg.algorithm).name == "a2c"
    with initialize(version_base=None, config_path=None):
        cfg = compose(config_name="conf_train", overrides=["algorithm=ppo", "runner=local", "model=vector_obs",
                                                            "critic=template_state", "+experiment=cartpole_ppo"])
    assert cfg.runner.mode == "local" and cfg.algorithm.n_optimization_epochs == 20
    assert cfg.model.critic._target_.endswith("StateCriticComposer")
