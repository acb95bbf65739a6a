"""Parameters shared by the actor-critic algorithms (A2C, PPO)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from maze.train.trainers.common.config_classes import AlgorithmConfig

_SCHEDULES = ("constant", "linear")


@dataclasses.dataclass(kw_only=True)
class ActorCriticAlgorithmConfig(AlgorithmConfig):
    """Parameters of synchronous actor-critic trainers."""

    n_epochs: int = 0
    """Number of epochs to train (0: until early stopping by ``patience``)."""

    epoch_length: int = 25
    """Number of updates (rollout + optimization) per epoch."""

    patience: int = 15
    """Stop after this many epochs without a new best evaluation result (0: never stop early)."""

    critic_burn_in_epochs: int = 0
    """Number of initial epochs in which only the critic is trained (the policy stays fixed)."""

    n_rollout_steps: int = 100
    """Number of (sub-)steps collected per env for each update."""

    lr: float = 0.0005
    """Learning rate of the Adam optimizer."""

    lr_schedule: str = "constant"
    """``constant`` or ``linear`` (decay to 0 over ``n_epochs * epoch_length`` updates; needs ``n_epochs > 0``)."""

    gamma: float = 0.98
    """Discount factor (applied per sub-step)."""

    gae_lambda: float = 1.0
    """Bias vs. variance trade-off of the Generalized Advantage Estimator (1.0: Monte-Carlo returns)."""

    normalize_advantages: bool = True
    """Normalize advantages per sub-step key to zero mean and unit variance."""

    policy_loss_coef: float = 1.0
    """Weight of the policy loss."""

    value_loss_coef: float = 0.5
    """Weight of the value loss."""

    entropy_coef: float = 0.00025
    """Weight of the entropy bonus."""

    max_grad_norm: float = 0.0
    """Clip the gradient norm to this value (0: no clipping)."""

    device: str = "cpu"
    """``cpu`` or ``cuda``."""

    rollout_evaluator: Any = None
    """Evaluator for best-model selection: a :class:`~maze.train.trainers.common.evaluators.rollout_evaluator.RolloutEvaluator`
    instance or its config (``_target_``, ``n_episodes``, ``deterministic``); None disables evaluation (the
    training reward is then used for model selection)."""

    def validate(self) -> None:
        self._positive_int("n_epochs", "patience", "critic_burn_in_epochs", allow_zero=True)
        self._positive_int("epoch_length", "n_rollout_steps")
        self._in_range("lr", 0.0, math.inf)
        self._in_range("gamma", 0.0, 1.0)
        self._in_range("gae_lambda", 0.0, 1.0)
        for name in ("policy_loss_coef", "value_loss_coef", "entropy_coef", "max_grad_norm"):
            self._in_range(name, 0.0, math.inf)
        self._check("lr_schedule", self.lr_schedule in _SCHEDULES, f"one of {list(_SCHEDULES)}")
        self._check("lr_schedule", self.lr_schedule == "constant" or self.n_epochs > 0,
                    "'constant' when n_epochs is 0 (a linear schedule needs a finite number of epochs)")
        self._check("device", isinstance(self.device, str) and self.device.split(":")[0] in ("cpu", "cuda", "mps"),
                    "'cpu', 'cuda' or 'cuda:<index>'")
        self._check("normalize_advantages", isinstance(self.normalize_advantages, bool), "true or false")
