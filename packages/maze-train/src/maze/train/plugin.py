"""maze-train's plugin: algorithms, training runners, the torch policy and the ``mlp`` model, registered like any
third-party plugin would register them."""

from __future__ import annotations

from maze.core.plugins import Component, hookimpl
from maze.train.trainers.common.algorithm import AlgorithmSpec

_AC_RUNNER = "maze.train.trainers.common.actor_critic.actor_critic_runners.ACRunner"
_BC_RUNNER = "maze.train.trainers.imitation.bc_runners.BCRunner"


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.train.conf"]


@hookimpl
def maze_register_algorithms() -> list[Component]:
    return [
        AlgorithmSpec("a2c", config_class="maze.train.trainers.a2c.a2c_algorithm_config.A2CAlgorithmConfig",
                      trainer_class="maze.train.trainers.a2c.a2c_trainer.A2C",
                      runners={"dev": _AC_RUNNER, "local": _AC_RUNNER},
                      help="synchronous advantage actor-critic (Mnih et al. 2016)", config="algorithm/a2c"),
        AlgorithmSpec("ppo", config_class="maze.train.trainers.ppo.ppo_algorithm_config.PPOAlgorithmConfig",
                      trainer_class="maze.train.trainers.ppo.ppo_trainer.PPO",
                      runners={"dev": _AC_RUNNER, "local": _AC_RUNNER},
                      help="proximal policy optimization (Schulman et al. 2017)", config="algorithm/ppo"),
        AlgorithmSpec("bc", config_class="maze.train.trainers.imitation.bc_algorithm_config.BCAlgorithmConfig",
                      trainer_class="maze.train.trainers.imitation.bc_trainer.BCTrainer",
                      runners={"dev": _BC_RUNNER, "local": _BC_RUNNER},
                      help="behavioural cloning from recorded trajectories", config="algorithm/bc"),
    ]


@hookimpl
def maze_register_runners() -> list[Component]:
    return [
        Component("training_runner", "maze.train.trainers.common.training_runner.TrainingRunMode",
                  help="training run of the selected algorithm (runner=dev: one process, runner=local: env workers)",
                  config="runner/dev"),
    ]


@hookimpl
def maze_register_policies() -> list[Component]:
    return [
        Component("torch_policy", "maze.train.agent.serialized_torch_policy.SerializedTorchPolicy",
                  help="a policy trained by maze-train, loaded from input_dir", config="policy/torch_policy"),
    ]


@hookimpl
def maze_register_components() -> list[Component]:
    return [
        Component("mlp", "maze.train.agent.mlp_model_composer.MLPModelComposer", kind="model",
                  help="lean plain-torch MLP policy/critic networks", config="model/mlp"),
    ]
