"""The cross-entropy method (Rubinstein 1999; Szita & Lőrincz 2006 for RL) as a Maze algorithm.

Every epoch samples ``population_size`` weight vectors ``theta_i = mean + std * eps_i``, runs each as the policy's
weights for ``episodes_per_candidate`` episodes, keeps the ``elite_fraction`` best and refits ``mean``/``std`` to them.
The mean weights are what the policy holds between epochs; the base trainer evaluates them, selects the best model,
writes checkpoints and the statistics.
"""

from __future__ import annotations

import dataclasses
from abc import ABC
from typing import Any

import numpy as np
import torch

from maze.core.log_stats.event_decorators import define_epoch_stats
from maze.train.agent.model_building import build_policy
from maze.train.trainers.common.config_classes import AlgorithmConfig
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.trainer import Trainer, TrainingRun
from maze.train.trainers.common.training_runner import TrainingRunner


class CEMEvents(ABC):
    """Statistics of the cross-entropy method (section ``train_CEMEvents``)."""

    @define_epoch_stats(np.mean, output_name="mean")
    @define_epoch_stats(np.max, output_name="max")
    def candidate_return(self, value: float) -> None:
        """Mean episode return of one candidate weight vector."""

    @define_epoch_stats(np.mean)
    def elite_return(self, value: float) -> None:
        """Mean return of the elite candidates."""

    @define_epoch_stats(np.mean)
    def noise_std(self, value: float) -> None:
        """Mean standard deviation of the weight distribution after the refit."""


@dataclasses.dataclass(kw_only=True)
class CEMAlgorithmConfig(AlgorithmConfig):
    """Parameters of the cross-entropy method."""

    n_epochs: int = 5
    """Number of epochs (one population each)."""

    patience: int = 0
    """Stop after this many evaluations without improvement (0: never)."""

    population_size: int = 16
    """Candidates per epoch."""

    elite_fraction: float = 0.25
    """Fraction of the population kept as elite."""

    episodes_per_candidate: int = 1
    """Episodes per candidate."""

    initial_std: float = 0.5
    """Initial standard deviation of the weight noise."""

    min_std: float = 0.02
    """Lower bound of the standard deviation (keeps exploring)."""

    n_eval_episodes: int = 4
    """Evaluation episodes of the mean weights after every epoch."""

    def validate(self) -> None:
        self._positive_int("n_epochs", "population_size", "episodes_per_candidate", "n_eval_episodes")
        self._positive_int("patience", allow_zero=True)
        self._in_range("elite_fraction", 0.0, 1.0, low_open=True)
        self._in_range("initial_std", 0.0, float("inf"), low_open=True)
        self._in_range("min_std", 0.0, float("inf"))


class CEMTrainer(Trainer):
    """Cross-entropy method over the flattened weights of a policy.

    :param algorithm_config: the CEM parameters.
    :param policy: the policy whose weights are searched.
    :param candidate_evaluator: runs ``episodes_per_candidate`` episodes of a candidate (its ``last_returns``).
    :param evaluator: evaluates the mean weights after every epoch (selects the best model).
    :param run: where statistics, checkpoints and the best model go.
    :param seed: seed of the weight noise.
    """

    trainer_kind = "cem"

    def __init__(self, algorithm_config: CEMAlgorithmConfig, policy: Any, candidate_evaluator: RolloutEvaluator,
                 evaluator: Any = None, run: TrainingRun | None = None, seed: int = 0) -> None:
        super().__init__(policy, n_epochs=algorithm_config.n_epochs, patience=algorithm_config.patience,
                         evaluator=evaluator, run=run)
        self.config = algorithm_config
        self.candidate_evaluator = candidate_evaluator
        self.params = list(policy.parameters())
        self.mean = torch.nn.utils.parameters_to_vector(self.params).detach().clone()
        self.std = torch.full_like(self.mean, algorithm_config.initial_std)
        self.generator = torch.Generator().manual_seed(int(seed))
        self.events = self.stats.topic("train", CEMEvents)  # its own statistics topic: no Maze edit needed

    def _set_weights(self, vector: torch.Tensor) -> None:
        with torch.no_grad():
            torch.nn.utils.vector_to_parameters(vector, self.params)

    def train_epoch(self) -> None:
        cfg = self.config
        noise = torch.randn((cfg.population_size, self.mean.numel()), generator=self.generator)
        candidates = self.mean + self.std * noise
        returns = []
        for candidate in candidates:
            self._set_weights(candidate)
            self.candidate_evaluator.evaluate(self.policy)
            returns.append(float(np.mean(self.candidate_evaluator.last_returns)))
            self.events.candidate_return(value=returns[-1])
        n_elite = max(1, int(round(cfg.elite_fraction * cfg.population_size)))
        elite_idx = np.argsort(returns)[::-1][:n_elite].copy()
        elite = candidates[torch.as_tensor(elite_idx)]
        self.mean = elite.mean(dim=0)
        self.std = elite.std(dim=0, unbiased=False).clamp_min(cfg.min_std) if n_elite > 1 else self.std
        self._set_weights(self.mean)
        self.events.elite_return(value=float(np.mean([returns[i] for i in elite_idx])))
        self.events.noise_std(value=float(self.std.mean()))

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state.update(cem_mean=self.mean, cem_std=self.std, cem_rng=self.generator.get_state())
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        if "cem_mean" in state_dict:
            self.mean, self.std = state_dict["cem_mean"].clone(), state_dict["cem_std"].clone()
            self.generator.set_state(state_dict["cem_rng"])
        else:  # fine-tuning from best weights: search around them
            self.mean = torch.nn.utils.parameters_to_vector(self.params).detach().clone()
        self._set_weights(self.mean)


class CEMRunner(TrainingRunner):
    """Builds the policy from the ``model`` config and the CEM trainer (every run mode: candidates run in-process)."""

    def create_trainer(self) -> Trainer:
        cfg = self.algorithm_config
        assert isinstance(cfg, CEMAlgorithmConfig)
        policy = build_policy(self.build_model_composer())
        seeds = [self.maze_seeding.generate_env_instance_seed()]
        candidate_evaluator = RolloutEvaluator(self.make_vector_env(1, "candidates"), cfg.episodes_per_candidate,
                                               deterministic=True, seeds=seeds)
        evaluator = RolloutEvaluator(self.make_vector_env(self.options.n_eval_envs, "eval"), cfg.n_eval_episodes,
                                     model_selection=self.make_best_model_selection(policy), deterministic=True,
                                     seeds=[self.maze_seeding.generate_env_instance_seed()
                                            for _ in range(self.options.n_eval_envs)])
        return CEMTrainer(cfg, policy, candidate_evaluator, evaluator, run=self.training_run,
                          seed=self.maze_seeding.generate_agent_instance_seed())
