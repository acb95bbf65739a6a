"""Training runner of the actor-critic algorithms (A2C, PPO), for every run mode (``dev``, ``local``)."""

from __future__ import annotations

from typing import Any

from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.train.agent.model_building import build_critic, build_policy, check_policy_outputs
from maze.train.agent.torch_actor_critic import TorchActorCritic
from maze.train.trainers.common.evaluators.evaluator import Evaluator
from maze.train.trainers.common.evaluators.rollout_evaluator import RolloutEvaluator
from maze.train.trainers.common.trainer import Trainer
from maze.train.trainers.common.training_runner import TrainingRunner


class ACRunner(TrainingRunner):
    """Builds policy and critic from the ``model`` config, the training vector env, the rollout evaluator, and the
    algorithm's trainer (``A2C``/``PPO``: ``trainer(algorithm_config, env, model, evaluator, model_selection, run,
    seed)``). ``dev`` steps the envs in this process, ``local`` in worker processes."""

    def create_trainer(self) -> Trainer:
        device = self.algorithm_config.device  # type: ignore[attr-defined]
        composer = self.build_model_composer()
        policy = build_policy(composer, device)
        check_policy_outputs(policy, self.observation_spaces_dict, self.action_spaces_dict)
        critic = build_critic(composer, device)
        if critic is None:
            raise ConfigError(f"algorithm '{self.algorithm.name}' needs a critic, but the model config defines none "
                              f"(add one, e.g. critic=template_state)")
        model = TorchActorCritic(policy, critic, device)
        env = self.make_vector_env(self.options.n_envs, "train")
        model_selection = self.make_best_model_selection(policy, critic)
        evaluator = self.make_evaluator(model_selection)
        return self.trainer_class(  # type: ignore[call-arg]
            self.algorithm_config, env, model, evaluator=evaluator,
            model_selection=model_selection if evaluator is None else None,
            run=self.training_run, seed=self.maze_seeding.generate_agent_instance_seed())

    def make_evaluator(self, model_selection: Any) -> Evaluator | None:
        """The ``algorithm.rollout_evaluator``: a config gets the run's eval env, seeds and model selection through
        its constructor; an evaluator instance is used as it is."""
        evaluator_cfg = self.algorithm_config.rollout_evaluator  # type: ignore[attr-defined]
        if evaluator_cfg is None:
            return None
        if isinstance(evaluator_cfg, Evaluator):
            return evaluator_cfg
        cfg = dict(to_plain(evaluator_cfg))
        cfg.setdefault("_target_", RolloutEvaluator)
        optional: dict[str, Any] = {"model_selection": model_selection}
        if cfg.get("eval_env") is None:
            cfg.pop("eval_env", None)
            optional["eval_env"] = self.make_vector_env(self.options.n_eval_envs, "eval")
            if cfg.get("seeds") is None:
                cfg.pop("seeds", None)
                optional["seeds"] = [self.maze_seeding.generate_env_instance_seed()
                                     for _ in range(self.options.n_eval_envs)]
        return Factory(Evaluator).instantiate(cfg, _optional_kwargs=optional)


#: ``runner=dev`` / ``runner=local`` of A2C and PPO (the run mode decides where the envs step; reference-docs names)
ACDevRunner = ACRunner
ACLocalRunner = ACRunner
