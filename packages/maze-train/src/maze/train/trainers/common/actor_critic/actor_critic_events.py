"""Statistics recorded by the actor-critic trainers (section ``train_MultiStepActorCriticEvents``)."""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import define_epoch_stats, define_stats_grouping


class MultiStepActorCriticEvents(ABC):
    """Per-epoch training statistics of A2C/PPO: update statistics are means over the epoch's updates."""

    @define_epoch_stats(np.mean, unit="s")
    def time_rollout(self, value: float) -> None:
        """Seconds spent collecting rollouts in the epoch."""

    @define_epoch_stats(np.mean, unit="s")
    def time_update(self, value: float) -> None:
        """Seconds spent in updates in the epoch."""

    @define_epoch_stats(np.mean, unit="s")
    def time_epoch(self, value: float) -> None:
        """Wall seconds of the epoch (without evaluation)."""

    @define_epoch_stats(np.mean)
    def learning_rate(self, value: float) -> None:
        """Optimizer learning rate (at the epoch's last update)."""

    @define_epoch_stats(np.mean, unit="steps/s")
    def env_steps_per_second(self, value: float) -> None:
        """Env (sub-)steps collected per wall second of the epoch, updates included."""

    @define_epoch_stats(np.max)
    def total_env_steps(self, value: float) -> None:
        """Env (sub-)steps collected since the start of the training (resumes included)."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_loss(self, step_id: str, value: float) -> None:
        """Policy loss of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_entropy(self, step_id: str, value: float) -> None:
        """Entropy of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def approx_kl(self, step_id: str, value: float) -> None:
        """Approximate KL divergence between the behaviour and the updated policy (PPO)."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def clip_fraction(self, step_id: str, value: float) -> None:
        """Fraction of samples whose probability ratio was clipped (PPO)."""

    @define_epoch_stats(np.mean)
    def clip_range(self, value: float) -> None:
        """Clipping parameter of the surrogate objective (PPO; follows its schedule)."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("critic_id")
    def critic_value_loss(self, critic_id: str, value: float) -> None:
        """Value loss of a critic."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("critic_id")
    def critic_value(self, critic_id: str, value: float) -> None:
        """Mean value prediction of a critic."""

    @define_epoch_stats(np.mean)
    def grad_norm(self, value: float) -> None:
        """Gradient norm (before clipping)."""
