"""Parameters of A2C."""

from __future__ import annotations

import dataclasses

from maze.train.trainers.common.actor_critic.actor_critic_algorithm_config import ActorCriticAlgorithmConfig


@dataclasses.dataclass(kw_only=True)
class A2CAlgorithmConfig(ActorCriticAlgorithmConfig):
    """Algorithm parameters of (multi-step) A2C; see :class:`ActorCriticAlgorithmConfig` for the fields.

    Defaults follow the reference docs' ``algorithm/a2c.yaml``.
    """
