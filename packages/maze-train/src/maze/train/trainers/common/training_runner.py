"""Training runners: turn a composed ``conf_train`` config into a training run.

``runner=dev`` / ``runner=local`` select :class:`TrainingRunMode` (the Hydra target of the ``runner`` group) with
``mode`` ``dev`` (envs stepped in the main process) or ``local`` (one worker process per env). It finds the algorithm
of ``cfg.algorithm`` (:func:`~maze.train.trainers.common.algorithm.find_algorithm`), takes the algorithm's
:class:`TrainingRunner` subclass for the mode and constructs it with everything it needs::

    runner = runner_cls(cfg, algorithm, options, run_dir)    # shared set-up (below)
    runner.run()                                               # create_trainer() → resume/fine-tune → train

:class:`TrainingRunner` is the documented base an algorithm implements (one :meth:`~TrainingRunner.create_trainer`).
Its constructor does the set-up every algorithm shares: seeds, the env factory (env + wrappers config), observation
normalization statistics (estimated once, or taken from ``input_dir``), the env's spaces (``spaces_config.json``), the
statistics writers (console, TensorBoard, plugins), the model composer and its graph pictures, and the state to start
from (``input_dir``). The files of the run dir are described in :mod:`maze.train.trainers.common.run_dir`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from abc import ABC, abstractmethod
from typing import Any, Callable

import torch

from maze.core.log_stats.epoch_stats import EpochStats, EpochStatsLog
from maze.core.runners.runner import Runner
from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.core.utils.seeding import MazeSeeding, set_seeds_globally
from maze.train.trainers.common.algorithm import AlgorithmSpec, find_algorithm, load_subclass
from maze.train.trainers.common.config_classes import AlgorithmConfig
from maze.train.trainers.common.run_dir import (
    CHECKPOINT_FILE,
    SPACES_CONFIG_FILE,
    STATE_DICT_FILE,
    InitialState,
    InputDirError,
    ModelState,
    RunDir,
    RunDirError,
)
from maze.train.trainers.common.trainer import Trainer, TrainingRun

logger = logging.getLogger(__name__)

__all__ = [
    "CHECKPOINT_FILE", "SPACES_CONFIG_FILE", "STATE_DICT_FILE", "EnvFactory", "InputDirError", "ModelConfig",
    "RunDirError", "TrainConfig", "TrainingRunMode", "TrainingRunner", "TrainingRunnerOptions",
]


@dataclasses.dataclass
class ModelConfig:
    """Structure of the ``model`` config (type hints only: Hydra hands runners plain mappings)."""

    _target_: str
    distribution_mapper_config: Any = None
    policy: Any = None
    critic: Any = None


@dataclasses.dataclass
class TrainConfig:
    """Structure of the composed ``conf_train`` config (type hints only; validation happens in the option and
    algorithm config classes)."""

    env: Any
    model: Any
    algorithm: Any
    runner: Any
    wrappers: Any = None
    seeding: Any = None
    input_dir: str = ""


@dataclasses.dataclass(kw_only=True)
class TrainingRunnerOptions:
    """The ``runner`` config of training runs (``runner=dev`` / ``runner=local``), validated on construction."""

    mode: str = "dev"
    """Run mode: ``dev`` (envs in the main process) or ``local`` (one worker process per env)."""

    concurrency: int = 4
    """Number of training envs (0: number of CPUs)."""

    eval_concurrency: int = 1
    """Number of evaluation envs (0: 1)."""

    torch_threads: int = 1
    """``torch.set_num_threads`` of the main process (small networks: 1 is fastest; 0: torch's default)."""

    progress_bar: bool | None = None
    """Draw progress bars on stderr (``None``: only when stderr is a terminal)."""

    tensorboard: bool = True
    """Write TensorBoard event files to the run dir."""

    console_stats: bool = True
    """Print a statistics table per epoch."""

    dataset: Any = None
    """Trajectory dataset config of algorithms that learn from recorded data (``algorithm=bc``); RL runners leave it
    unused."""

    eval_repeats: int | None = None
    """Alias of the reference docs: the number of evaluation episodes (``algorithm.rollout_evaluator.n_episodes``,
    or ``algorithm.n_eval_episodes`` for BC); ``null``: the algorithm's own setting."""

    critic_burn_in_epochs: int | None = None
    """Alias of the reference docs for ``algorithm.critic_burn_in_epochs``; ``null``: the algorithm's own setting."""

    validation_percentage: float | None = None
    """Alias of the reference docs for ``algorithm.validation_percentage`` (BC); ``null``: the algorithm's own."""

    def __post_init__(self) -> None:
        from maze.core.utils.validation import expect_bool, expect_int

        if not isinstance(self.mode, str) or not self.mode:
            raise ConfigError(f"runner.mode={self.mode!r} is invalid: expected a run mode name (dev, local)")
        for name in ("concurrency", "eval_concurrency", "torch_threads"):
            expect_int(f"runner.{name}", getattr(self, name), minimum=0)
        if self.progress_bar is not None:
            expect_bool("runner.progress_bar", self.progress_bar)
        for name in ("eval_repeats", "critic_burn_in_epochs"):
            expect_int(f"runner.{name}", getattr(self, name), minimum=0, allow_none=True)
        for name in ("tensorboard", "console_stats"):
            expect_bool(f"runner.{name}", getattr(self, name))

    #: runner-level aliases of algorithm parameters (the reference docs' ``runner.eval_repeats=...``): option →
    #: candidate parameter paths, the first whose top-level key the algorithm config has is set
    ALGORITHM_ALIASES = {
        "eval_repeats": (("rollout_evaluator", "n_episodes"), ("n_eval_episodes",)),
        "critic_burn_in_epochs": (("critic_burn_in_epochs",),),
        "validation_percentage": (("validation_percentage",),),
    }

    def algorithm_config(self, config_class: type, algorithm_cfg: Any) -> Any:
        """``config_class.from_config(algorithm_cfg)`` with the aliases above applied (an alias the algorithm has no
        parameter for is an error naming both)."""
        values = dict(to_plain(algorithm_cfg) or {})
        fields = {f.name for f in dataclasses.fields(config_class)}
        for option, paths in self.ALGORITHM_ALIASES.items():
            value = getattr(self, option)
            if value is None:
                continue
            path = next((p for p in paths if p[0] in fields), None)
            if path is None:
                raise ConfigError(f"runner.{option}={value!r} is invalid: {config_class.__name__} has no parameter "
                                  f"{' or '.join('algorithm.' + '.'.join(p) for p in paths)} it stands for")
            node = values
            for key in path[:-1]:
                node[key] = dict(node.get(key) or {})
                node = node[key]
            node[path[-1]] = value
        return config_class.from_config(values)

    @classmethod
    def from_config(cls, options: Any) -> TrainingRunnerOptions:
        """Build from the ``runner`` config (without ``_target_``); unknown keys name the valid ones."""
        values = dict(to_plain(options) or {})
        values.pop("_target_", None)
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ConfigError(f"unknown runner option(s) {unknown}; valid options: {names}")
        return cls(**values)

    @property
    def n_envs(self) -> int:
        """Number of training envs (``concurrency``, 0 meaning the number of CPUs)."""
        return self.concurrency if self.concurrency > 0 else max(1, os.cpu_count() or 1)

    @property
    def n_eval_envs(self) -> int:
        return max(1, self.eval_concurrency)


class TrainingRunMode(Runner):
    """The ``runner`` of ``conf_train``: selects the run mode and runs the algorithm's training runner for it.

    :param options: the runner config (:class:`TrainingRunnerOptions` fields).
    """

    def __init__(self, **options: Any) -> None:
        self.options = TrainingRunnerOptions.from_config(options)
        self.runner: TrainingRunner | None = None

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        algorithm = find_algorithm(cfg.algorithm)
        runner_cls = TrainingRunner.class_for(algorithm, self.options.mode)
        self.runner = runner_cls(cfg, algorithm, self.options, self.output_dir)

    def validate(self, cfg: Any) -> None:
        """Check the composed config before anything is built: the algorithm and its parameters, the run mode, the
        seeds and ``input_dir``."""
        algorithm = find_algorithm(cfg.algorithm)
        self.options.algorithm_config(algorithm.config_class(), cfg.algorithm)
        algorithm.runner_ref(self.options.mode)
        MazeSeeding.from_config(cfg.get("seeding"))
        if cfg.get("input_dir"):
            RunDir.existing(str(cfg.get("input_dir")))

    def run(self) -> EpochStats:
        if self.runner is None:
            raise RuntimeError("TrainingRunMode.run() called before setup(cfg)")
        return self.runner.run()


class TrainingRunner(ABC):
    """Base class of the training runners of an algorithm (see the module docstring for the life cycle).

    Subclasses implement :meth:`create_trainer`; helpers: :meth:`make_vector_env`, :meth:`make_best_model_selection`,
    :attr:`training_run`.

    :param cfg: the composed run config (``env``, ``wrappers``, ``model``, ``algorithm``, ``runner``, ``seeding``,
        ``input_dir``).
    :param algorithm: the algorithm being trained.
    :param options: the validated ``runner`` config.
    :param run_dir: the run's output directory (Hydra's run dir under ``maze-run``).
    """

    def __init__(self, cfg: Any, algorithm: AlgorithmSpec, options: TrainingRunnerOptions, run_dir: str) -> None:
        self.cfg = cfg
        self.algorithm = algorithm
        self.options = options
        self.run_dir = RunDir(run_dir)
        #: the algorithm's validated config
        self.algorithm_config: AlgorithmConfig = options.algorithm_config(algorithm.config_class(), cfg.algorithm)
        self.trainer_class: type[Trainer] = algorithm.trainer_class()
        self._closeables: list[Any] = []
        if options.torch_threads > 0:
            torch.set_num_threads(options.torch_threads)
        torch.distributions.Distribution.set_default_validate_args(False)  # hot path: skip support checks
        self.maze_seeding = MazeSeeding.from_config(cfg.get("seeding"))
        # model initialization and any global-RNG use in the main process follow the agent base seed, so a
        # run with fixed seeds is reproducible (per-instance seeds still come from the streams)
        set_seeds_globally(self.maze_seeding.agent_base_seed, self.maze_seeding.cudnn_determinism_flag)
        input_dir = str(cfg.get("input_dir") or "")
        self.input_run: RunDir | None = RunDir.existing(input_dir) if input_dir else None
        #: the state to start from (``input_dir``), read before anything is built
        self.initial_state: InitialState | None = (
            self.input_run.initial_state(self.trainer_class.trainer_kind or self.trainer_class.__qualname__)
            if self.input_run is not None else None)

        self.env_factory = EnvFactory.from_config(cfg)
        probe = self.env_factory()
        # observation normalization: statistics from input_dir (resume / fine-tune), the config, or estimated
        # here once; dumped into the output dir and handed to every training and evaluation env
        from maze.core.wrappers.observation_normalization.observation_normalization_utils import (
            obtain_normalization_statistics,
        )

        self.env_factory.normalization_statistics = obtain_normalization_statistics(
            probe, input_dir=self.input_run.path if self.input_run else None, output_dir=self.run_dir.path)
        self.action_spaces_dict = dict(probe.action_spaces_dict)
        self.observation_spaces_dict = dict(probe.observation_spaces_dict)
        self.agent_counts_dict = dict(probe.agent_counts_dict)
        from maze.core.wrappers.observation_visualization_wrapper import observation_visualization_wrappers

        observation_images = bool(observation_visualization_wrappers(probe))  # pictures per epoch (Trainer.training_env)
        probe.close()
        self.run_dir.save_spaces_config(self.action_spaces_dict, self.observation_spaces_dict, self.agent_counts_dict)
        self.stats = self._make_stats_log()
        #: what every trainer of this run receives (files, statistics, hooks)
        self.training_run = TrainingRun(run_dir=self.run_dir, stats=self.stats, algorithm=algorithm.name, config=cfg,
                                        env_factory=self.env_factory, progress_bar=options.progress_bar,
                                        observation_images=observation_images)

    @staticmethod
    def class_for(algorithm: AlgorithmSpec, mode: str) -> type[TrainingRunner]:
        """The algorithm's training runner class for run mode ``mode`` (checked to derive from this base)."""
        return load_subclass(algorithm.runner_ref(mode), TrainingRunner, f"algorithm '{algorithm.name}': runners['{mode}']")

    # ------------------------------------------------------------------ what subclasses implement
    @abstractmethod
    def create_trainer(self) -> Trainer:
        """Build the models, envs, evaluator and the trainer (which receives :attr:`training_run`)."""

    # ------------------------------------------------------------------ run
    def run(self, n_epochs: int | None = None) -> EpochStats:
        """Create the trainer, start it from ``input_dir`` (resume or fine-tune), train; close everything afterwards.

        :return: the statistics of the last epoch.
        """
        try:
            trainer = self.create_trainer()
            self._start_from_input_dir(trainer)
            return trainer.train(n_epochs)
        finally:
            self.close()

    def _start_from_input_dir(self, trainer: Trainer) -> None:
        initial = self.initial_state
        if initial is None:
            return
        logger.info("********** Initializing from %s **********", initial.path)
        try:
            if initial.resume:
                trainer.load_state_dict(initial.state)
                if self.input_run is not None:
                    self.run_dir.carry_over_best_model(self.input_run)
                logger.info("Resuming at epoch %d", trainer.epoch)
            else:
                trainer.load_model_state_dict(initial.model_state)
        except (ValueError, KeyError) as exc:
            raise RunDirError(f"input_dir '{self.input_run.path if self.input_run else ''}' holds a model incompatible "
                              f"with this config: {exc}") from exc

    def close(self) -> None:
        """Close the envs created for this run and the statistics writers (also after a failure)."""
        closeables, self._closeables = self._closeables, []
        for obj in reversed(closeables):
            obj.close()
        self.stats.close()

    # ------------------------------------------------------------------ helpers for subclasses
    def vector_env_class(self) -> type:
        """The vector env class of the run mode (``dev``: sequential, otherwise one process per env)."""
        if self.options.mode == "dev":
            from maze.train.parallelization.vector_env.sequential_vector_env import SequentialVectorEnv

            return SequentialVectorEnv
        from maze.train.parallelization.vector_env.subproc_vector_env import SubprocVectorEnv

        return SubprocVectorEnv

    def make_vector_env(self, n_envs: int, prefix: str) -> Any:
        """A seeded vector env of ``n_envs`` envs of the run's env factory (closed with the runner)."""
        env = self.vector_env_class()([self.env_factory] * n_envs, logging_prefix=prefix)
        self._closeables.append(env)
        env.seed([self.maze_seeding.generate_env_instance_seed() for _ in range(n_envs)])
        return env

    def build_model_composer(self) -> Any:
        """The ``model`` config instantiated with the env's spaces (its graph pictures are saved to the run dir)."""
        from maze.perception.models.model_composer import BaseModelComposer

        composer = Factory(BaseModelComposer, kind="model").instantiate(
            self.cfg.model,
            _optional_kwargs={
                "action_spaces_dict": self.action_spaces_dict,
                "observation_spaces_dict": self.observation_spaces_dict,
                "agent_counts_dict": self.agent_counts_dict,
            },
        )
        composer.save_models(self.run_dir.path)
        return composer

    def make_best_model_selection(self, policy: Any, critic: Any = None) -> Any:
        """Best-model selection dumping ``policy`` (and ``critic``) to the run's ``state_dict.pt``."""
        from maze.train.trainers.common.model_selection.best_model_selection import BestModelSelection

        return BestModelSelection(self.run_dir.state_dict_file, ModelState(policy, critic))

    def _make_stats_log(self) -> EpochStatsLog:
        """Console tables, TensorBoard (with the config and command as TEXT) and plugins' writers."""
        from omegaconf import OmegaConf

        from maze.core.log_stats.log_stats_utils import make_stats_writers
        from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard

        writers = make_stats_writers(self.run_dir.path, console=self.options.console_stats,
                                     tensorboard=self.options.tensorboard, tensorboard_render_figure=False)
        for writer in writers:
            if isinstance(writer, LogStatsWriterTensorboard):
                writer.add_text("job_config", "```\n" + OmegaConf.to_yaml(self.cfg) + "\n```")
                writer.add_text("command", " ".join(["maze-run", *sys.argv[1:]]))
        return EpochStatsLog(writers)


class EnvFactory:
    """Picklable env factory: ``make_env(env_config, wrappers_config)`` plus episode statistics.

    :param env_config: plain env config (``_target_`` + arguments).
    :param wrappers_config: plain wrappers config.
    :param normalization_statistics: observation normalization statistics given to every env created.
    """

    def __init__(self, env_config: Any, wrappers_config: Any = None, normalization_statistics: Any = None) -> None:
        self.env_config = env_config
        self.wrappers_config = wrappers_config
        #: observation normalization statistics given to every env created (set by the training runner)
        self.normalization_statistics = normalization_statistics

    @classmethod
    def from_config(cls, cfg: Any) -> EnvFactory:
        """The factory of a composed config's ``env`` and ``wrappers`` sections."""
        wrappers = cfg.get("wrappers")
        return cls(to_plain(cfg.env), to_plain(wrappers) if wrappers is not None else None)

    def __call__(self) -> Any:
        from maze.core.log_stats.log_stats_env import LogStatsEnv
        from maze.core.utils.config_utils import make_env
        from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper

        env = make_env(self.env_config, self.wrappers_config)
        if self.normalization_statistics is not None:
            from maze.core.wrappers.observation_normalization.observation_normalization_wrapper import (
                ObservationNormalizationWrapper,
            )
            from maze.core.wrappers.wrapper_utils import find_wrapper

            find_wrapper(env, ObservationNormalizationWrapper).set_normalization_statistics(self.normalization_statistics)
        if not isinstance(env, LogStatsEnv):  # episode statistics (events, KPIs) for the train_/eval_ sections
            env = LogStatsWrapper.wrap(env, logging_prefix=None)
        return env


def make_env_factory(cfg: Any) -> Callable[[], Any]:
    """Shortcut for :meth:`EnvFactory.from_config`."""
    return EnvFactory.from_config(cfg)
