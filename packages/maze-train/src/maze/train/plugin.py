"""maze-train's plugin: algorithms, training runners, the torch policy and the ``mlp`` model, registered like any
third-party plugin would register them."""

from __future__ import annotations

from maze.core.plugins import Component, hookimpl

_AC_RUNNERS = {
    "dev": "maze.train.trainers.common.actor_critic.actor_critic_runners.ACDevRunner",
    "local": "maze.train.trainers.common.actor_critic.actor_critic_runners.ACLocalRunner",
}


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.train.conf"]


@hookimpl
def maze_register_algorithms() -> list[Component]:
    return [
        Component("a2c", "maze.train.trainers.a2c.a2c_algorithm_config.A2CAlgorithmConfig",
                  help="synchronous advantage actor-critic (Mnih et al. 2016)", config="algorithm/a2c",
                  metadata={"runners": _AC_RUNNERS, "trainer": "maze.train.trainers.a2c.a2c_trainer.A2C"}),
        Component("ppo", "maze.train.trainers.ppo.ppo_algorithm_config.PPOAlgorithmConfig",
                  help="proximal policy optimization (Schulman et al. 2017)", config="algorithm/ppo",
                  metadata={"runners": _AC_RUNNERS, "trainer": "maze.train.trainers.ppo.ppo_trainer.PPO"}),
        Component("bc", "maze.train.trainers.imitation.bc_algorithm_config.BCAlgorithmConfig",
                  help="behavioural cloning from recorded trajectories", config="algorithm/bc",
                  metadata={"runners": {"dev": "maze.train.trainers.imitation.bc_runners.BCDevRunner",
                                        "local": "maze.train.trainers.imitation.bc_runners.BCLocalRunner"},
                            "trainer": "maze.train.trainers.imitation.bc_trainer.BCTrainer"}),
    ]


@hookimpl
def maze_register_runners() -> list[Component]:
    return [
        Component("training_runner", "maze.train.trainers.common.training_runner.TrainingRunner",
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
