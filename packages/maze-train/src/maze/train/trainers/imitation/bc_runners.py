"""Training runners of behavioural cloning (``algorithm=bc``)."""

from __future__ import annotations

import logging
import os
from typing import Any

from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.train.agent.model_building import build_policy, check_policy_outputs
from maze.train.trainers.common.evaluators.evaluator import Evaluator, MultiEvaluator
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.trainer import Trainer
from maze.train.trainers.common.training_runner import TrainingRunner
from maze.train.trainers.imitation.bc_algorithm_config import BCAlgorithmConfig
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss
from maze.train.trainers.imitation.bc_trainer import BCTrainer
from maze.train.trainers.imitation.bc_validation_evaluator import BCValidationEvaluator

logger = logging.getLogger(__name__)

DEFAULT_DATASET = {"_target_": "maze.core.trajectory_recording.datasets.in_memory_dataset.InMemoryDataset",
                   "input_data": "trajectory_data", "n_workers": 1}


class BCRunner(TrainingRunner):
    """Loads trajectory data (``runner.dataset``), splits it by episode and trains a policy with BC.

    ``runner.dataset`` is the dataset config (maze-core ``InMemoryDataset``: ``input_data`` = trajectory dir/file(s));
    relative paths are resolved against the directory ``maze-run`` was started in.
    """

    def create_trainer(self) -> Trainer:
        cfg = self.algorithm_config
        assert isinstance(cfg, BCAlgorithmConfig)
        composer = self.build_model_composer()
        policy = build_policy(composer, cfg.device)
        check_policy_outputs(policy, self.observation_spaces_dict, self.action_spaces_dict)
        train_data, valid_data = self._load_data(cfg)
        loss = BCLoss(self.action_spaces_dict, cfg.entropy_coef)
        selection = self.make_best_model_selection(policy)
        evaluators: list[Evaluator] = []
        if valid_data is not None:
            evaluators.append(BCValidationEvaluator(loss, valid_data, selection))
        if cfg.n_eval_episodes > 0:
            eval_env = self.make_vector_env(self.options.n_eval_envs, "eval")
            evaluators.append(RolloutEvaluator(
                eval_env, cfg.n_eval_episodes, selection if valid_data is None else None, deterministic=True,
                seeds=[self.maze_seeding.generate_env_instance_seed() for _ in range(self.options.n_eval_envs)],
                max_episode_steps=cfg.max_episode_steps))
        evaluator = evaluators[0] if len(evaluators) == 1 else MultiEvaluator(evaluators)
        return BCTrainer(cfg, train_data, policy, loss, evaluator, selection, run=self.training_run,
                         seed=self.maze_seeding.generate_agent_instance_seed())

    def _load_data(self, cfg: BCAlgorithmConfig) -> tuple[StackedImitationData, StackedImitationData | None]:
        dataset_cfg = dict(to_plain(self.options.dataset) or DEFAULT_DATASET)
        for key in ("input_data", "dir_or_file", "trajectory_data_dir"):  # the last two: the reference docs' names
            data_path = dataset_cfg.get(key)
            if isinstance(data_path, str) and not os.path.isabs(data_path):
                from hydra.utils import get_original_cwd

                try:
                    dataset_cfg[key] = os.path.join(get_original_cwd(), data_path)
                except ValueError:
                    dataset_cfg[key] = os.path.abspath(data_path)
        if dataset_cfg.get("dir_or_file") is not None or dataset_cfg.get("trajectory_data_dir") is not None:
            if dataset_cfg.get("input_data") == DEFAULT_DATASET["input_data"] or str(dataset_cfg.get("input_data", "")).endswith(
                    os.sep + DEFAULT_DATASET["input_data"]):
                dataset_cfg["input_data"] = None  # the alias replaces the default, it does not compete with it
        from maze.core.trajectory_recording.datasets.in_memory_dataset import InMemoryDataset

        try:
            dataset = Factory(InMemoryDataset).instantiate(dataset_cfg, _optional_kwargs={"conversion_env_factory": self.env_factory})
        except FileNotFoundError as exc:  # no (or a missing) trajectory dir: the config names the wrong place
            raise ConfigError(f"runner.dataset: {exc}; record trajectories with maze-run ... runner.record_trajectory=true "
                              f"and point runner.dataset.input_data at their trajectory_data dir") from exc
        if cfg.validation_percentage > 0:
            frac = cfg.validation_percentage / 100.0
            train_part, valid_part = dataset.split([1.0 - frac, frac], seed=self.maze_seeding.generate_env_instance_seed())
            if len(valid_part) == 0 or len(train_part) == 0:
                source = next((dataset_cfg[k] for k in ("input_data", "dir_or_file", "trajectory_data_dir")
                               if dataset_cfg.get(k) is not None), None)
                raise ConfigError(_split_error(source, dataset.n_trajectories, len(train_part), len(valid_part),
                                               cfg.validation_percentage))
        else:
            train_part, valid_part = dataset, None
        logger.info("********** Imitation data: %d training / %d validation steps **********", len(train_part),
                    len(valid_part) if valid_part else 0)
        return (StackedImitationData(train_part, cfg.device),
                StackedImitationData(valid_part, cfg.device) if valid_part else None)


def _split_error(source: Any, n_trajectories: int, train_steps: int, valid_steps: int,
                 validation_percentage: float) -> str:
    """The error of a dataset too small for its training/validation split (an episode is never divided)."""
    empty = "training" if train_steps == 0 else "validation"
    plural = "trajectory" if n_trajectories == 1 else "trajectories"
    return (f"algorithm.validation_percentage={validation_percentage:g} leaves the {empty} split empty: the dataset "
            f"{source!r} holds {n_trajectories} {plural} ({train_steps + valid_steps} steps: {train_steps} training / "
            f"{valid_steps} validation), and an episode is never divided, so the split needs at least 2 trajectories "
            f"with about {validation_percentage:g}% of the steps on the validation side; record more episodes, change "
            f"algorithm.validation_percentage (alias runner.validation_percentage), or set it to 0 with "
            f"algorithm.n_eval_episodes > 0 (rollouts then select the best model)")


#: ``runner=dev`` and ``runner=local`` of ``algorithm=bc`` (the run mode decides where evaluation envs step)
BCDevRunner = BCRunner
BCLocalRunner = BCRunner
