"""Parameters of PPO."""

from __future__ import annotations

import dataclasses

from maze.train.trainers.common.actor_critic.actor_critic_algorithm_config import ActorCriticAlgorithmConfig


@dataclasses.dataclass(kw_only=True)
class PPOAlgorithmConfig(ActorCriticAlgorithmConfig):
    """Algorithm parameters of (multi-step) PPO; shared fields in :class:`ActorCriticAlgorithmConfig`.

    Defaults follow the reference docs' ``algorithm/ppo.yaml``.
    """

    lr: float = 0.00025
    """Learning rate of the Adam optimizer."""

    batch_size: int = 100
    """Mini-batch size (samples per sub-step key) of the policy and value updates."""

    n_optimization_epochs: int = 4
    """Passes over the collected rollout per update."""

    clip_range: float = 0.2
    """Clipping parameter of the surrogate objective."""

    clip_range_schedule: str = "constant"
    """``constant`` or ``linear`` (decay of ``clip_range`` to 0 like ``lr_schedule``)."""

    def validate(self) -> None:
        super().validate()
        self._positive_int("batch_size", "n_optimization_epochs")
        self._in_range("clip_range", 0.0, 1.0, low_open=True)
        self._check("clip_range_schedule", self.clip_range_schedule in ("constant", "linear"), "'constant' or 'linear'")
        self._check("clip_range_schedule", self.clip_range_schedule == "constant" or self.n_epochs > 0,
                    "'constant' when n_epochs is 0")
