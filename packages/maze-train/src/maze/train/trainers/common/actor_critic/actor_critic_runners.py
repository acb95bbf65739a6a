"""Training runners of the actor-critic algorithms (A2C, PPO) for the ``dev`` and ``local`` run modes."""

from __future__ import annotations

from typing import Any

from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.train.agent.model_building import build_critic, build_policy, check_policy_outputs
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv
from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection
from maze.train.trainers.common.training_runner import BaseTrainingRunner, InputDirError


class ACRunner(BaseTrainingRunner):
    """Sets up and runs an actor-critic trainer (the algorithm's ``metadata["trainer"]`` class).

    Options as in :class:`~maze.train.trainers.common.training_runner.BaseTrainingRunner`; ``dev`` mode steps the
    envs in this process, ``local`` mode in worker processes.
    """

    vector_env_cls: type = SequentialVectorEnv

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        component = self.algorithm_component
        config_cls = component.load()
        self.algorithm_config = config_cls.from_config(cfg.algorithm)
        device = self.algorithm_config.device
        self.model_composer = self.build_model_composer(cfg.model)
        policy = build_policy(self.model_composer, device)
        check_policy_outputs(policy, self.observation_spaces_dict, self.action_spaces_dict)
        critic = build_critic(self.model_composer, device)
        if critic is None:
            raise ConfigError(f"algorithm '{component.name}' needs a critic, but the model config defines none")
        self.model = TorchActorCritic(policy, critic, device)
        self.initial_state = self.load_input_dir_state("actor_critic")
        if self.initial_state is not None:
            model_state = self.initial_state.get("model", self.initial_state)
            try:
                self.model.load_state_dict(model_state)
            except ValueError as exc:
                raise InputDirError(f"input_dir '{self.input_dir}' holds a model incompatible with this config: {exc}") from exc
        self.save_model_pictures(self.model_composer)
        trainer_path = component.metadata.get("trainer")
        self.trainer_cls = Factory(object).type_from_name(trainer_path)

    def make_vector_env(self, n_envs: int, prefix: str) -> Any:
        env = self.vector_env_cls([self.env_factory] * n_envs, logging_prefix=prefix)
        env.seed([self.maze_seeding.generate_env_instance_seed() for _ in range(n_envs)])
        return env

    def make_evaluator(self, model_selection: BestModelSelection) -> Evaluator | None:
        evaluator_cfg = self.algorithm_config.rollout_evaluator
        if evaluator_cfg is None:
            return None
        if isinstance(evaluator_cfg, Evaluator):
            evaluator = evaluator_cfg
            if getattr(evaluator, "model_selection", None) is None:
                evaluator.model_selection = model_selection
        else:
            cfg = dict(to_plain(evaluator_cfg))
            cfg.setdefault("_target_", "maze.train.trainers.common.evaluators.rollout_evaluator.RolloutEvaluator")
            evaluator = Factory(Evaluator).instantiate(cfg, _optional_kwargs={"model_selection": model_selection})
        if getattr(evaluator, "eval_env", "absent") is None:
            evaluator.eval_env = self.make_vector_env(self.eval_concurrency, "eval")
        if getattr(evaluator, "seeds", "absent") is None:
            evaluator.seeds = [self.maze_seeding.generate_env_instance_seed() for _ in range(evaluator.eval_env.n_envs)]
        return evaluator

    def run(self, n_epochs: int | None = None) -> Any:
        """Train; returns the last epoch's statistics."""
        env = self.make_vector_env(self.concurrency, "train")
        model_selection = BestModelSelection(self.state_dict_dump_file, self.model)
        evaluator = self.make_evaluator(model_selection)
        trainer = self.trainer_cls(
            self.algorithm_config, env, self.model, evaluator=evaluator,
            model_selection=model_selection if evaluator is None else None,
            stats_writers=self.stats_writers, seed=self.maze_seeding.generate_agent_instance_seed(),
        )
        if self.initial_state is not None:
            trainer.load_state_dict(self.initial_state)
            if "epoch" in self.initial_state:
                print(f"Resuming at epoch {trainer.epoch} (env steps so far: {trainer.env_steps})", flush=True)
        eval_env = getattr(evaluator, "eval_env", None) if evaluator is not None else None
        return self.run_trainer(trainer, n_epochs, [env, eval_env])


class ACDevRunner(ACRunner):
    """Actor-critic training with all envs in the main process (``runner=dev``)."""

    vector_env_cls = SequentialVectorEnv


class ACLocalRunner(ACRunner):
    """Actor-critic training with one worker process per env (``runner=local``)."""

    vector_env_cls = SubprocVectorEnv
