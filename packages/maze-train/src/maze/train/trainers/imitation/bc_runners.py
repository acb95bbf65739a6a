"""Training runners of behavioural cloning (``algorithm=bc``)."""

from __future__ import annotations

import os
from typing import Any

from maze.core.utils.factory import Factory, to_plain
from maze.train.agent.model_building import build_policy, check_policy_outputs
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv
from maze.train.trainers.common.evaluators.evaluator import Evaluator, MultiEvaluator
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.training_runner import BaseTrainingRunner, InputDirError
from maze.train.trainers.imitation.bc_algorithm_config import BCAlgorithmConfig
from maze.train.trainers.imitation.bc_data import StackedImitationData
from maze.train.trainers.imitation.bc_loss import BCLoss
from maze.train.trainers.imitation.bc_trainer import BCTrainer, PolicyStateDictModel
from maze.train.trainers.imitation.bc_validation_evaluator import BCValidationEvaluator

DEFAULT_DATASET = {"_target_": "maze.core.trajectory_recording.datasets.in_memory_dataset.InMemoryDataset",
                   "input_data": "trajectory_data", "n_workers": 1}


class BCRunner(BaseTrainingRunner):
    """Loads trajectory data (``runner.dataset``), splits it by episode and trains a policy with BC.

    :param dataset: dataset config (maze-core ``InMemoryDataset``: ``input_data`` = trajectory dir/file(s));
        relative paths are resolved against the directory ``maze-run`` was started in.
    """

    vector_env_cls: type = SequentialVectorEnv

    def __init__(self, mode: str = "dev", dataset: Any = None, **kwargs: Any) -> None:
        super().__init__(mode, **kwargs)
        self.dataset_config = dict(to_plain(dataset) or DEFAULT_DATASET)

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.algorithm_config = BCAlgorithmConfig.from_config(cfg.algorithm)
        device = self.algorithm_config.device
        composer = self.build_model_composer(cfg.model)
        self.policy = build_policy(composer, device)
        check_policy_outputs(self.policy, self.observation_spaces_dict, self.action_spaces_dict)
        self.initial_state = self.load_input_dir_state("bc")
        if self.initial_state is not None:
            try:
                self.policy.load_state_dict(self.initial_state.get("model", self.initial_state)["policy"])
            except (ValueError, KeyError) as exc:
                raise InputDirError(f"input_dir '{self.input_dir}' holds a model incompatible with this config: {exc}") from exc
        self.save_model_pictures(composer)

        dataset_cfg = dict(self.dataset_config)
        data_path = dataset_cfg.get("input_data")
        if isinstance(data_path, str) and not os.path.isabs(data_path):
            from hydra.utils import get_original_cwd

            try:
                dataset_cfg["input_data"] = os.path.join(get_original_cwd(), data_path)
            except ValueError:
                dataset_cfg["input_data"] = os.path.abspath(data_path)
        dataset = Factory(object).instantiate(dataset_cfg, _optional_kwargs={"conversion_env_factory": self.env_factory})
        cfg_alg = self.algorithm_config
        if cfg_alg.validation_percentage > 0:
            frac = cfg_alg.validation_percentage / 100.0
            train_part, valid_part = dataset.split([1.0 - frac, frac], seed=self.maze_seeding.generate_env_instance_seed())
            if len(valid_part) == 0 or len(train_part) == 0:
                raise ValueError(
                    f"cannot split {dataset.n_trajectories} trajectories into training and validation data at "
                    f"validation_percentage={cfg_alg.validation_percentage}; record more episodes or set it to 0"
                )
        else:
            train_part, valid_part = dataset, None
        print(f"********** Imitation data: {len(train_part)} training / {len(valid_part) if valid_part else 0} "
              f"validation steps **********", flush=True)
        self.train_data = StackedImitationData(train_part, device)
        self.valid_data = StackedImitationData(valid_part, device) if valid_part else None

    def run(self, n_epochs: int | None = None) -> Any:
        cfg = self.algorithm_config
        loss = BCLoss(self.action_spaces_dict, cfg.entropy_coef)
        selection = BestModelSelection(self.state_dict_dump_file, PolicyStateDictModel(self.policy))
        evaluators: list[Evaluator] = []
        eval_env = None
        if self.valid_data is not None:
            evaluators.append(BCValidationEvaluator(loss, self.valid_data, selection))
        if cfg.n_eval_episodes > 0:
            eval_env = self.vector_env_cls([self.env_factory] * self.eval_concurrency, logging_prefix="eval")
            evaluators.append(RolloutEvaluator(
                eval_env, cfg.n_eval_episodes, selection if self.valid_data is None else None, deterministic=True,
                seeds=[self.maze_seeding.generate_env_instance_seed() for _ in range(self.eval_concurrency)],
                max_episode_steps=cfg.max_episode_steps))
        evaluator = evaluators[0] if len(evaluators) == 1 else MultiEvaluator(evaluators)
        trainer = BCTrainer(cfg, self.train_data, self.policy, loss, evaluator, selection, self.stats_writers,
                            seed=self.maze_seeding.generate_agent_instance_seed())
        if self.initial_state is not None and "optimizer" in self.initial_state:
            trainer.load_state_dict(self.initial_state)
        return self.run_trainer(trainer, n_epochs, [eval_env])


class BCDevRunner(BCRunner):
    """BC with evaluation envs in the main process."""


class BCLocalRunner(BCRunner):
    """BC with evaluation envs in worker processes."""

    vector_env_cls = SubprocVectorEnv
