"""A2C: synchronous advantage actor-critic (Mnih et al. 2016, "Asynchronous methods for deep RL")."""

from __future__ import annotations

import torch

from maze.core.env.structured_env import ActorID
from maze.train.trainers.common.actor_critic.actor_critic_trainer import GroupData, MultiStepActorCritic


class A2C(MultiStepActorCritic):
    """Multi-step A2C: one gradient step per rollout on ``-log pi(a|s) * A + c_v (V - R)^2 - c_e H``.

    Parameters as in :class:`~maze.train.trainers.common.actor_critic.actor_critic_trainer.MultiStepActorCritic`
    with an :class:`~maze.train.trainers.a2c.a2c_algorithm_config.A2CAlgorithmConfig`.
    """

    def update(self, groups: dict[ActorID, GroupData], train_policy: bool) -> None:
        cfg = self.algorithm_config
        events = self.events
        loss = torch.zeros((), device=self.device)
        for aid, data in groups.items():
            log_probs, entropy, value_pred = self.evaluate_group(data)
            # ---- policy gradient with (normalized) advantages, entropy bonus, value regression
            policy_loss = -(log_probs * data.advantages).mean()
            entropy_mean = entropy.mean()
            value_loss = self.value_loss(value_pred, data.returns)
            if train_policy:
                loss = loss + cfg.policy_loss_coef * policy_loss - cfg.entropy_coef * entropy_mean
            loss = loss + cfg.value_loss_coef * value_loss
            label = self.actor_label(aid)
            events.policy_loss(step_id=label, value=policy_loss.item())
            events.policy_entropy(step_id=label, value=entropy_mean.item())
            events.critic_value_loss(critic_id=label, value=value_loss.item())
            events.critic_value(critic_id=label, value=float(self.model.critic.to_value(value_pred.detach()).mean()))
        events.grad_norm(value=self.optimizer_step(loss))
