"""Training lifecycle: plugin hooks (maze_train_start / maze_train_epoch_end / maze_train_end), patience-based
early stopping and critic burn-in."""

from __future__ import annotations

import copy
import types

import torch
from train_helpers import make_actor_critic

from maze.core.env.base_env_events import BaseEnvEvents
from maze.core.log_stats.epoch_stats import EpochStats, flatten_epoch_stats
from maze.core.plugins import get_plugin_manager, hookimpl, reset_plugin_manager
from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.trainer import TrainingContext
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
from maze.train.trainers.ppo.ppo_trainer import PPO


def cartpole() -> GymMazeEnv:
    return GymMazeEnv("CartPole-v1")


def _trainer(cfg: PPOAlgorithmConfig, with_evaluator: bool = True) -> PPO:
    torch.manual_seed(0)
    env = SequentialVectorEnv([cartpole] * 2)
    model = make_actor_critic(env, hidden=(16,))
    evaluator = None
    if with_evaluator:
        selection = BestModelSelection(None, model, verbose=False)
        evaluator = RolloutEvaluator(SequentialVectorEnv([cartpole] * 2), n_episodes=2, model_selection=selection, seeds=7)
    return PPO(cfg, env, model, evaluator=evaluator, seed=0)


def test_lifecycle_hooks_fire_and_patience_stops_a_run_without_improvement():
    calls: list[tuple] = []
    plugin = types.ModuleType("train_observer")
    contexts: list[TrainingContext] = []

    def start(context):
        contexts.append(context)
        calls.append(("start", context.algorithm))

    def epoch_end(context, epoch, stats):
        assert isinstance(stats, EpochStats) and context is contexts[0]
        calls.append(("epoch_end", epoch, isinstance(stats.value("eval", BaseEnvEvents.reward, "mean"), float),
                      "train_MultiStepActorCriticEvents/policy_loss/0" in flatten_epoch_stats(stats)))

    plugin.maze_train_start = hookimpl(start)
    plugin.maze_train_epoch_end = hookimpl(epoch_end)
    plugin.maze_train_end = hookimpl(lambda context, stats: calls.append(("end", len(stats))))
    reset_plugin_manager()
    get_plugin_manager().register(plugin, "train_observer")
    try:
        # lr=0: the policy never changes, so the (fixed-seed) evaluation never improves after the first epoch
        cfg = PPOAlgorithmConfig(n_epochs=0, epoch_length=1, n_rollout_steps=16, lr=0.0, patience=2, batch_size=32,
                                 n_optimization_epochs=1, rollout_evaluator=None)
        trainer = _trainer(cfg)
        trainer.train()
    finally:
        reset_plugin_manager()
    assert trainer.stopped_early and trainer.epoch == 3
    assert calls == [("start", "PPO"), ("epoch_end", 0, True, True), ("epoch_end", 1, True, True),
                     ("epoch_end", 2, True, True), ("end", 2)]
    context = contexts[0]  # the documented, typed hook argument: what the trainer trains, not the trainer itself
    assert context.policy is trainer.policy and context.critic is trainer.model.critic
    assert context.run_dir is None and context.config is None


def test_critic_burn_in_trains_only_the_critic():
    cfg = PPOAlgorithmConfig(n_epochs=1, epoch_length=2, n_rollout_steps=16, lr=0.01, patience=0, batch_size=32,
                             n_optimization_epochs=2, critic_burn_in_epochs=1, rollout_evaluator=None)
    trainer = _trainer(cfg, with_evaluator=False)
    policy_before = copy.deepcopy(trainer.model.policy.state_dict())
    critic_before = copy.deepcopy(trainer.model.critic.state_dict())
    trainer.train()

    def changed(before, after) -> bool:
        return any(not torch.equal(before[n][p], after[n][p]) for n in before for p in before[n])

    assert not changed(policy_before, trainer.model.policy.state_dict()), "policy must stay fixed during burn-in"
    assert changed(critic_before, trainer.model.critic.state_dict()), "the critic must learn during burn-in"
    trainer.train(n_epochs=1)  # after burn-in the policy is trained too
    assert changed(policy_before, trainer.model.policy.state_dict())
