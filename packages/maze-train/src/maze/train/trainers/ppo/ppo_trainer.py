"""PPO: proximal policy optimization with the clipped surrogate objective (Schulman et al. 2017)."""

from __future__ import annotations

import math

import torch

from maze.core.env.structured_env import ActorID
from maze.train.trainers.common.actor_critic.actor_critic_trainer import GroupData, MultiStepActorCritic


class PPO(MultiStepActorCritic):
    """Multi-step PPO.

    Every rollout is optimized for ``n_optimization_epochs`` passes in mini-batches of ``batch_size`` samples per
    actor: ``L = -min(r A, clip(r, 1-eps, 1+eps) A) + c_v (V - R)^2 - c_e H`` with ``r = pi(a|s) / pi_old(a|s)``.
    Parameters as in :class:`~maze.train.trainers.common.actor_critic.actor_critic_trainer.MultiStepActorCritic`
    with a :class:`~maze.train.trainers.ppo.ppo_algorithm_config.PPOAlgorithmConfig`.
    """

    def update(self, groups: dict[ActorID, GroupData], train_policy: bool) -> None:
        cfg = self.algorithm_config
        clip = cfg.clip_range * (self._progress_remaining() if cfg.clip_range_schedule == "linear" else 1.0)
        n_samples = max(len(d) for d in groups.values())
        n_minibatches = max(1, math.ceil(n_samples / cfg.batch_size))
        # an entropy coefficient of 0 keeps the entropy out of the loss (the statistic alone needs no backward pass)
        entropy_in_loss = train_policy and cfg.entropy_coef != 0.0
        # statistics stay tensors until the end of the update: one stacked row per mini-batch and actor, converted
        # once (no device sync per mini-batch)
        stat_rows: dict[str, list[torch.Tensor]] = {}
        grad_norm_sum = 0.0
        n_steps = 0
        for _ in range(cfg.n_optimization_epochs):
            # one mini-batch = the whole rollout: no shuffling/indexing needed (the gradient is order-independent)
            perms = None if n_minibatches == 1 else {aid: torch.randperm(len(d), device=self.device) for aid, d in groups.items()}
            for mb in range(n_minibatches):
                loss: torch.Tensor | None = None
                for aid, data in groups.items():
                    if perms is None:
                        mb_data = data
                    else:
                        size = math.ceil(len(data) / n_minibatches)
                        idx = perms[aid][mb * size:(mb + 1) * size]
                        if idx.numel() == 0:
                            continue
                        mb_data = data.subset(idx)
                    log_probs, entropy, value_pred = self.evaluate_group(mb_data, entropy_grad=entropy_in_loss)
                    # ---- clipped surrogate objective
                    log_ratio = log_probs - mb_data.log_probs
                    ratio = torch.exp(log_ratio)
                    adv = mb_data.advantages
                    policy_loss = -torch.min(ratio * adv, torch.clamp(ratio, 1.0 - clip, 1.0 + clip) * adv).mean()
                    value_loss = self.value_loss(value_pred, mb_data.returns)
                    loss, entropy_mean = self.add_actor_loss(loss, policy_loss, entropy, value_loss, train_policy)
                    with torch.no_grad():
                        ratio_change = ratio - 1.0
                        approx_kl = (ratio_change - log_ratio).mean()
                        clip_fraction = (ratio_change.abs() > clip).float().mean()
                        row = torch.stack([policy_loss, entropy_mean, value_loss, approx_kl, clip_fraction]).detach()
                    stat_rows.setdefault(self.actor_label(aid), []).append(row)
                if loss is None:
                    continue
                grad_norm_sum += self.optimizer_step(loss)
                n_steps += 1
        events = self.events
        for label, rows in stat_rows.items():
            # means over all optimization steps of the update (an actor absent from a mini-batch adds nothing)
            policy_loss_v, entropy_v, value_loss_v, approx_kl_v, clip_fraction_v = (
                (torch.stack(rows).sum(0).double() / n_steps).tolist())
            events.policy_loss(step_id=label, value=policy_loss_v)
            events.policy_entropy(step_id=label, value=entropy_v)
            events.critic_value_loss(critic_id=label, value=value_loss_v)
            events.approx_kl(step_id=label, value=approx_kl_v)
            events.clip_fraction(step_id=label, value=clip_fraction_v)
        events.grad_norm(value=grad_norm_sum / max(n_steps, 1))
        events.clip_range(value=clip)
