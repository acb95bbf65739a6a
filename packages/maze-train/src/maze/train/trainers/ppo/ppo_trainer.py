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

    def update(self, groups: dict[ActorID, GroupData], train_policy: bool) -> dict[str, float]:
        cfg = self.algorithm_config
        clip = cfg.clip_range * (self._progress_remaining() if cfg.clip_range_schedule == "linear" else 1.0)
        n_samples = max(len(d) for d in groups.values())
        n_minibatches = max(1, math.ceil(n_samples / cfg.batch_size))
        sums: dict[str, torch.Tensor | float] = {}
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
                    key = aid.step_key if aid.agent_id == 0 else f"{aid.step_key}_{aid.agent_id}"
                    with torch.no_grad():  # statistics stay tensors until the end of the update (no syncs)
                        approx_kl = ((ratio - 1) - log_ratio).mean()
                        clip_fraction = ((ratio - 1.0).abs() > clip).float().mean()
                        for name, value in ((f"policy_loss/{key}", policy_loss.detach()),
                                            (f"policy_entropy/{key}", entropy_mean.detach()),
                                            (f"critic_value_loss/{key}", value_loss.detach()),
                                            (f"approx_kl/{key}", approx_kl),
                                            (f"clip_fraction/{key}", clip_fraction)):
                            sums[name] = sums[name] + value if name in sums else value
                sums["grad_norm"] = sums.get("grad_norm", 0.0) + self.optimizer_step(loss)
                n_steps += 1
        stats = {k: float(v) / n_steps for k, v in sums.items()}
        stats["clip_range"] = clip
        return stats
