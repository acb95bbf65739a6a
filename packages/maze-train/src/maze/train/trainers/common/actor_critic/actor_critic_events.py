"""Statistics emitted by the actor-critic trainers (section ``train_MultiStepActorCriticEvents``)."""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import define_epoch_stats, define_stats_grouping


class MultiStepActorCriticEvents(ABC):
    """Per-epoch training statistics of A2C/PPO (means over the epoch's updates)."""

    @define_epoch_stats(np.mean)
    def time_rollout(self, value: float) -> None:
        """Seconds spent collecting rollouts in the epoch."""

    @define_epoch_stats(np.mean)
    def time_update(self, value: float) -> None:
        """Seconds spent in updates in the epoch."""

    @define_epoch_stats(np.mean)
    def time_epoch(self, value: float) -> None:
        """Wall seconds of the epoch (without evaluation)."""

    @define_epoch_stats(np.mean)
    def learning_rate(self, value: float) -> None:
        """Optimizer learning rate."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_loss(self, step_id: str, value: float) -> None:
        """Policy loss of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_entropy(self, step_id: str, value: float) -> None:
        """Entropy of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("critic_id")
    def critic_value_loss(self, critic_id: str, value: float) -> None:
        """Value loss of a critic."""

    @define_epoch_stats(np.mean)
    def grad_norm(self, value: float) -> None:
        """Gradient norm (before clipping)."""
