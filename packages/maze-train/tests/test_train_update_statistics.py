"""The statistics of one A2C/PPO update are the losses of the batch they were computed on: they stay tensors during
the update and are converted once at its end, so each must still land in its own event (policy loss, entropy, value
loss, approx. KL, clip fraction, critic value). Checked against values recomputed from the model before the update,
with ``entropy_coef=0`` (the entropy is then only a statistic, outside the loss) and with an entropy bonus."""

from __future__ import annotations

import math

import pytest
import torch
from train_helpers import make_actor_critic

from maze.core.wrappers.maze_gym_env_wrapper import GymMazeEnv
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.trainers.a2c.a2c_algorithm_config import A2CAlgorithmConfig
from maze.train.trainers.a2c.a2c_trainer import A2C
from maze.train.trainers.common.actor_critic.actor_critic_events import MultiStepActorCriticEvents as Events
from maze.train.trainers.ppo.ppo_algorithm_config import PPOAlgorithmConfig
from maze.train.trainers.ppo.ppo_trainer import PPO

COMMON = dict(n_epochs=1, epoch_length=1, n_rollout_steps=16, rollout_evaluator=None, patience=0)


def _trainer(algorithm: str, entropy_coef: float):
    env = SequentialVectorEnv([lambda: GymMazeEnv("CartPole-v1")] * 2)
    model = make_actor_critic(env, hidden=(16, 16))
    if algorithm == "ppo":  # one optimization step on the whole rollout: its statistics use the weights before it
        cfg = PPOAlgorithmConfig(**COMMON, entropy_coef=entropy_coef, batch_size=64, n_optimization_epochs=1,
                                 clip_range=0.2)
        return PPO(cfg, env, model, seed=3)
    return A2C(A2CAlgorithmConfig(**COMMON, entropy_coef=entropy_coef), env, model, seed=3)


def _expected(trainer, groups) -> dict:
    """The update's statistics recomputed from the model (weights before the update) and the prepared batch."""
    ((aid, data),) = groups.items()
    with torch.no_grad():
        out = trainer.model.policy.compute_substep_policy_output(data.observations, aid)
        log_probs = out.log_probs_for_actions(data.actions)
        values = trainer.model.critic.predict_value(data.observations, aid.step_key)
        ratio = torch.exp(log_probs - data.log_probs)
        adv = data.advantages
        return {
            "ppo_policy_loss": float(-torch.min(ratio * adv, ratio.clamp(0.8, 1.2) * adv).mean()),
            "a2c_policy_loss": float(-(log_probs * adv).mean()),
            "entropy": float(out.entropy.mean()),
            "value_loss": float(torch.nn.functional.mse_loss(values, data.returns)),
            "critic_value": float(values.mean()),
            "approx_kl": float(((ratio - 1) - torch.log(ratio)).mean()),
            "clip_fraction": float(((ratio - 1).abs() > 0.2).float().mean()),
        }


@pytest.mark.parametrize("entropy_coef", [0.0, 0.05])
@pytest.mark.parametrize("algorithm", ["ppo", "a2c"])
def test_update_statistics_are_the_losses_of_the_batch(algorithm: str, entropy_coef: float) -> None:
    trainer = _trainer(algorithm, entropy_coef)
    groups = trainer.prepare_batch(trainer.collect())
    expected = _expected(trainer, groups)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.update(groups, train_policy=True)
    stats = trainer.stats.reduce()

    def value(event) -> float:
        grouped = stats.value("train", event)
        return grouped[("0",)] if isinstance(grouped, dict) else grouped  # grouped by the step_id/critic_id "0"

    # distinct magnitudes (entropy ~ ln 2, value loss of CartPole returns >> 1, approx. KL ~ 0): a swapped event fails
    assert expected["entropy"] == pytest.approx(math.log(2), abs=0.05) and expected["value_loss"] > 1.0
    assert value(Events.policy_entropy) == pytest.approx(expected["entropy"], rel=1e-5)
    assert value(Events.critic_value_loss) == pytest.approx(expected["value_loss"], rel=1e-5)
    assert value(Events.policy_loss) == pytest.approx(expected[f"{algorithm}_policy_loss"], rel=1e-4, abs=1e-6)
    if algorithm == "ppo":
        assert value(Events.approx_kl) == pytest.approx(expected["approx_kl"], abs=1e-6)
        assert value(Events.clip_fraction) == expected["clip_fraction"] == 0.0
        assert value(Events.clip_range) == pytest.approx(0.2)
    else:
        assert value(Events.critic_value) == pytest.approx(expected["critic_value"], rel=1e-5)
    assert value(Events.grad_norm) > 0.0
    assert any(not torch.equal(a, b) for a, b in zip(before, trainer.model.parameters()))


def test_a_zero_entropy_coefficient_gives_exactly_the_policy_gradient_and_value_step() -> None:
    """``entropy_coef=0`` leaves the entropy out of the loss: the policy weights after one update are those of a
    run whose entropy is detached; a non-zero bonus moves them elsewhere."""
    weights = {}
    for coef in (0.0, 0.5):
        trainer = _trainer("a2c", coef)
        trainer.update(trainer.prepare_batch(trainer.collect()), train_policy=True)
        weights[coef] = torch.cat([p.detach().reshape(-1) for p in trainer.model.policy.parameters()])
    # the same seed: without the bonus the update is the plain policy-gradient + value step
    trainer = _trainer("a2c", 0.0)
    groups = trainer.prepare_batch(trainer.collect())
    ((aid, data),) = groups.items()
    log_probs, _, value_pred = trainer.evaluate_group(data)
    loss = -(log_probs * data.advantages).mean() + 0.5 * trainer.value_loss(value_pred, data.returns)
    trainer.optimizer_step(loss)
    reference = torch.cat([p.detach().reshape(-1) for p in trainer.model.policy.parameters()])
    torch.testing.assert_close(weights[0.0], reference, rtol=0, atol=0)
    assert not torch.allclose(weights[0.0], weights[0.5])
