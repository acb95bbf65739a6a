"""Parameters of behavioural cloning."""

from __future__ import annotations

import dataclasses
from typing import Any

from maze.train.trainers.common.config_classes import AlgorithmConfig


@dataclasses.dataclass(kw_only=True)
class BCAlgorithmConfig(AlgorithmConfig):
    """Algorithm parameters of behavioural cloning (defaults as the reference docs' ``algorithm/bc.yaml``)."""

    n_epochs: int = 1000
    """Number of epochs (passes over the training data)."""

    optimizer: Any = dataclasses.field(default_factory=lambda: {"_target_": "torch.optim.Adam", "lr": 0.001})
    """Optimizer config (``_target_`` = a ``torch.optim`` class and its arguments besides the parameters)."""

    device: str = "cpu"
    """``cpu`` or ``cuda``."""

    batch_size: int = 100
    """Mini-batch size (steps)."""

    eval_every_k_iterations: int | None = None
    """Also evaluate every k iterations (besides every epoch end); None: epoch ends only."""

    validation_percentage: float = 20.0
    """Percentage of the trajectories used for validation (split by episode); 0: no validation."""

    n_eval_episodes: int = 0
    """Evaluation rollouts after every epoch (0: validation only)."""

    max_episode_steps: int = 0
    """Step limit of evaluation rollouts (0: none)."""

    entropy_coef: float = 0.0
    """Weight of the entropy bonus."""

    patience: int = 0
    """Stop after this many evaluations without improvement (0: never)."""

    def validate(self) -> None:
        self._positive_int("n_epochs", "batch_size")
        self._positive_int("n_eval_episodes", "max_episode_steps", "patience", allow_zero=True)
        self._in_range("validation_percentage", 0.0, 100.0, high_open=True)
        self._in_range("entropy_coef", 0.0, float("inf"))
        self._check("eval_every_k_iterations", self.eval_every_k_iterations is None or
                    (isinstance(self.eval_every_k_iterations, int) and self.eval_every_k_iterations > 0),
                    "null or an integer > 0")
        self._check("optimizer", isinstance(self.optimizer, dict) and "_target_" in self.optimizer,
                    "a mapping with '_target_' (e.g. torch.optim.Adam) and its arguments")
        self._check("validation_percentage", self.validation_percentage > 0 or self.n_eval_episodes > 0,
                    "> 0 when n_eval_episodes is 0 (something must select the best model)")
