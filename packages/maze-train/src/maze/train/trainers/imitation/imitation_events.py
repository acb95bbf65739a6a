"""Statistics emitted by imitation learning (sections ``train_ImitationEvents`` / ``eval_ImitationEvents``)."""

from __future__ import annotations

from abc import ABC

import numpy as np

from maze.core.log_stats.event_decorators import define_epoch_stats, define_stats_grouping


class ImitationEvents(ABC):
    """Behavioural-cloning statistics per sub-step (and action head)."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id", "subspace_name")
    def discrete_accuracy(self, step_id: str, subspace_name: str, value: float) -> None:
        """Accuracy for discrete (categorical) heads."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id", "subspace_name")
    def multi_binary_accuracy(self, step_id: str, subspace_name: str, value: float) -> None:
        """Accuracy for multi-binary heads."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id", "subspace_name")
    def box_mean_abs_deviation(self, step_id: str, subspace_name: str, value: float) -> None:
        """Mean absolute deviation for Box (continuous) heads."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_loss(self, step_id: str, value: float) -> None:
        """Loss of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_entropy(self, step_id: str, value: float) -> None:
        """Entropy of a sub-step policy."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_l2_norm(self, step_id: str, value: float) -> None:
        """L2 norm of the policy parameters."""

    @define_epoch_stats(np.mean)
    @define_stats_grouping("step_id")
    def policy_grad_norm(self, step_id: str, value: float) -> None:
        """Gradient norm of the policy."""

    @define_epoch_stats(np.mean, unit="s")
    def time_epoch(self, value: float) -> None:
        """Wall seconds of the training epoch (without evaluation)."""
