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
        # an entropy coefficient of 0 keeps the entropy out of the loss (the statistic alone needs no backward pass)
        entropy_in_loss = train_policy and cfg.entropy_coef != 0.0
        loss: torch.Tensor | None = None
        stat_rows: dict[str, torch.Tensor] = {}
        for aid, data in groups.items():
            log_probs, entropy, value_pred = self.evaluate_group(data, entropy_grad=entropy_in_loss)
            # ---- policy gradient with (normalized) advantages, entropy bonus, value regression
            policy_loss = -(log_probs * data.advantages).mean()
            value_loss = self.value_loss(value_pred, data.returns)
            loss, entropy_mean = self.add_actor_loss(loss, policy_loss, entropy, value_loss, train_policy)
            with torch.no_grad():
                critic_value = self.model.critic.to_value(value_pred).mean()
                stat_rows[self.actor_label(aid)] = torch.stack([policy_loss, entropy_mean, value_loss, critic_value])
        if loss is None:
            raise ValueError("A2C.update got no actor groups; expected the prepared batch of at least one actor")
        grad_norm = self.optimizer_step(loss)
        # the statistics as tensors until here: one conversion per actor after the step (no device sync before it)
        events = self.events
        for label, row in stat_rows.items():
            policy_loss_v, entropy_v, value_loss_v, critic_value_v = row.tolist()
            events.policy_loss(step_id=label, value=policy_loss_v)
            events.policy_entropy(step_id=label, value=entropy_v)
            events.critic_value_loss(critic_id=label, value=value_loss_v)
            events.critic_value(critic_id=label, value=critic_value_v)
        events.grad_norm(value=grad_norm)
