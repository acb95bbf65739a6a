"""PPO: proximal policy optimization with the clipped surrogate objective (Schulman et al. 2017)."""

from __future__ import annotations

import math
from typing import Any

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
        # statistics stay tensors until the end of the update (no device syncs per mini-batch)
        events = self.events
        sums: dict[tuple[Any, str, str], torch.Tensor] = {}  # (event, group argument, actor label) -> sum
        grad_norm_sum = 0.0
        n_steps = 0
        for _ in range(cfg.n_optimization_epochs):
            # one mini-batch = the whole rollout: no shuffling/indexing needed (the gradient is order-independent)
            perms = None if n_minibatches == 1 else {aid: torch.randperm(len(d), device=self.device) for aid, d in groups.items()}
            for mb in range(n_minibatches):
                loss = torch.zeros((), device=self.device)
                for aid, data in groups.items():
                    if perms is None:
                        mb_data = data
                    else:
                        size = math.ceil(len(data) / n_minibatches)
                        idx = perms[aid][mb * size:(mb + 1) * size]
                        if idx.numel() == 0:
                            continue
                        mb_data = data.subset(idx)
                    log_probs, entropy, value_pred = self.evaluate_group(mb_data)
                    # ---- clipped surrogate objective
                    log_ratio = log_probs - mb_data.log_probs
                    ratio = torch.exp(log_ratio)
                    adv = mb_data.advantages
                    policy_loss = -torch.min(ratio * adv, torch.clamp(ratio, 1.0 - clip, 1.0 + clip) * adv).mean()
                    entropy_mean = entropy.mean()
                    value_loss = self.value_loss(value_pred, mb_data.returns)
                    if train_policy:
                        loss = loss + cfg.policy_loss_coef * policy_loss - cfg.entropy_coef * entropy_mean
                    loss = loss + cfg.value_loss_coef * value_loss
                    label = self.actor_label(aid)
                    with torch.no_grad():
                        approx_kl = ((ratio - 1) - log_ratio).mean()
                        clip_fraction = ((ratio - 1.0).abs() > clip).float().mean()
                        for event, group_arg, value in (
                                (events.policy_loss, "step_id", policy_loss.detach()),
                                (events.policy_entropy, "step_id", entropy_mean.detach()),
                                (events.critic_value_loss, "critic_id", value_loss.detach()),
                                (events.approx_kl, "step_id", approx_kl),
                                (events.clip_fraction, "step_id", clip_fraction)):
                            key = (event, group_arg, label)
                            sums[key] = sums[key] + value if key in sums else value
                grad_norm_sum += self.optimizer_step(loss)
                n_steps += 1
        for (event, group_arg, label), total in sums.items():
            event(**{group_arg: label}, value=float(total) / n_steps)
        events.grad_norm(value=grad_norm_sum / max(n_steps, 1))
        events.clip_range(value=clip)
