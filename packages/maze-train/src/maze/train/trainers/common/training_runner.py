"""Training runners: turn a composed ``conf_train`` config into a training run.

``runner=dev`` / ``runner=local`` select :class:`TrainingRunner` with ``mode`` ``dev`` (envs in the main process,
:class:`SequentialVectorEnv`) or ``local`` (one worker process per env, :class:`SubprocVectorEnv`). The runner
looks the selected algorithm up in the plugin registry (``maze_register_algorithms``; its component's
``metadata["runners"][mode]`` names the algorithm-specific runner class) and delegates to it.

Output directory (Hydra's run dir) of a training run:

* ``state_dict.pt`` – best model weights (policy and critic), written atomically on improvement
* ``checkpoint.pt`` – last epoch: weights, optimizer state, epoch counter, model selection state (resume)
* ``spaces_config.json`` – action/observation spaces of the training env (perception's ``SpacesConfig``, JSON)
* ``statistics.json`` – observation normalization statistics (when the wrappers normalize observations)
* ``.hydra/config.yaml`` – the composed config (Hydra); also printed and written to TensorBoard TEXT
* TensorBoard event files (``train_*``/``eval_*`` scalars), policy/critic graph pictures (perception composers)
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterable

import torch

from maze.core.runners.runner import Runner
from maze.core.utils.factory import ConfigError, Factory, to_plain
from maze.core.utils.seeding import MazeSeeding, set_seeds_globally
from maze.perception.models.space_config import SpacesConfig

STATE_DICT_FILE = "state_dict.pt"
CHECKPOINT_FILE = "checkpoint.pt"
SPACES_CONFIG_FILE = "spaces_config.json"


class InputDirError(ValueError):
    """``input_dir`` cannot be used to resume/fine-tune (missing or incompatible checkpoint)."""


def find_algorithm_component(algorithm_cfg: Any) -> Any:
    """The registered algorithm component whose config class is ``algorithm_cfg._target_``."""
    from maze.core.plugins import get_plugin_manager

    pm = get_plugin_manager()
    target = (to_plain(algorithm_cfg) or {}).get("_target_")
    if target is None:
        raise ConfigError("the algorithm config has no '_target_' (select one with algorithm=<name>)")
    entries = pm.registry.entries("algorithm")
    for entry in entries:
        comp = entry.component
        if comp.name == target or comp.target_path == target or comp.target_path.replace(":", ".") == target:
            return comp
    raise ConfigError(
        f"algorithm _target_ '{target}' is not a registered algorithm; registered: {[e.component.name for e in entries]}"
    )


class TrainingRunner(Runner):
    """Facade selected by ``runner=dev|local``: picks the algorithm's runner for ``mode`` and delegates.

    :param mode: run mode (``dev``: single process, ``local``: env worker processes).
    :param options: forwarded to the algorithm runner (``concurrency``, ``eval_concurrency``...).
    """

    def __init__(self, mode: str = "dev", **options: Any) -> None:
        self.mode = str(mode)
        self.options = options
        self.impl: BaseTrainingRunner | None = None

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        component = find_algorithm_component(cfg.algorithm)
        runners = dict(component.metadata.get("runners", {}))
        if self.mode not in runners:
            raise ConfigError(f"algorithm '{component.name}' has no runner for mode '{self.mode}'; modes: {sorted(runners)}")
        runner_cls = Factory(Runner).type_from_name(runners[self.mode])
        self.impl = runner_cls(mode=self.mode, **self.options)
        self.impl.algorithm_component = component
        self.impl.setup(cfg)

    def run(self) -> Any:
        if self.impl is None:
            raise RuntimeError("TrainingRunner.run() called before setup(cfg)")
        return self.impl.run()


class BaseTrainingRunner(Runner):
    """Shared set-up of algorithm runners: seeding, env factory, model composer, output files, logging.

    :param mode: ``dev`` or ``local``.
    :param concurrency: number of training envs (0: number of CPUs, at least 1).
    :param eval_concurrency: number of evaluation envs (0: 1).
    :param torch_threads: ``torch.set_num_threads`` for the main process (small nets: 1 is fastest).
    :param progress_bar: draw progress bars (None: when stderr is a terminal).
    :param tensorboard: write TensorBoard event files to the output dir.
    :param console_stats: print per-epoch statistics tables.
    :param dataset: trajectory dataset config; used by imitation runners only (ignored by RL runners).
    """

    algorithm_component: Any = None

    def __init__(self, mode: str = "dev", concurrency: int = 4, eval_concurrency: int = 1, torch_threads: int = 1,
                 progress_bar: bool | None = None, tensorboard: bool = True, console_stats: bool = True,
                 dataset: Any = None, **kwargs: Any) -> None:
        if kwargs:
            raise ConfigError(f"unknown runner option(s) {sorted(kwargs)} for {type(self).__name__}")
        self.mode = mode
        self.concurrency = int(concurrency) if int(concurrency) > 0 else max(1, os.cpu_count() or 1)
        self.eval_concurrency = max(1, int(eval_concurrency))
        self.torch_threads = int(torch_threads)
        self.progress_bar = progress_bar
        self.tensorboard = bool(tensorboard)
        self.console_stats = bool(console_stats)

    # ------------------------------------------------------------------ set-up
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if self.torch_threads > 0:
            torch.set_num_threads(self.torch_threads)
        torch.distributions.Distribution.set_default_validate_args(False)  # hot path: skip support checks
        self.maze_seeding = MazeSeeding.from_config(cfg.get("seeding"))
        # model initialization and any global-RNG use in the main process follow the agent base seed, so a
        # run with fixed seeds is reproducible (per-instance seeds still come from the streams)
        set_seeds_globally(self.maze_seeding.agent_base_seed, self.maze_seeding.cudnn_determinism_flag)
        self.state_dict_dump_file = os.path.join(self.output_dir, STATE_DICT_FILE)
        self.checkpoint_file = os.path.join(self.output_dir, CHECKPOINT_FILE)
        self.spaces_config_dump_file = os.path.join(self.output_dir, SPACES_CONFIG_FILE)
        self.input_dir = str(cfg.get("input_dir") or "")
        if self.input_dir and not os.path.isabs(self.input_dir):
            self.input_dir = os.path.abspath(self.input_dir)
        self.env_factory = self.make_env_factory(cfg)
        probe = self.env_factory()
        # observation normalization: statistics from input_dir (resume / fine-tune), the config, or estimated
        # here once; dumped into the output dir and handed to every training and evaluation env
        from maze.core.wrappers.observation_normalization.observation_normalization_utils import (
            obtain_normalization_statistics,
        )

        self.env_factory.normalization_statistics = obtain_normalization_statistics(
            probe, input_dir=self.input_dir or None, output_dir=self.output_dir)
        self.action_spaces_dict = dict(probe.action_spaces_dict)
        self.observation_spaces_dict = dict(probe.observation_spaces_dict)
        self.agent_counts_dict = dict(probe.agent_counts_dict)
        probe.close()
        SpacesConfig(self.action_spaces_dict, self.observation_spaces_dict, self.agent_counts_dict).save(
            self.spaces_config_dump_file)
        self.stats_writers = self.make_stats_writers(cfg)

    @staticmethod
    def make_env_factory(cfg: Any) -> Callable[[], Any]:
        """A picklable factory creating the (wrapped) env of the config."""
        from omegaconf import OmegaConf

        env_cfg = OmegaConf.to_container(cfg.env, resolve=True) if not isinstance(cfg.env, dict) else cfg.env
        wrappers = cfg.get("wrappers")
        wrappers_cfg = OmegaConf.to_container(wrappers, resolve=True) if wrappers is not None and not isinstance(wrappers, dict) else wrappers
        return EnvFactory(env_cfg, wrappers_cfg)

    def make_stats_writers(self, cfg: Any) -> list[Callable[[int, dict], None]]:
        """Console tables and TensorBoard scalars (maze-core writers), plus the config as TensorBoard TEXT."""
        from omegaconf import OmegaConf

        from maze.train.utils.stats_writing import LogStatsWriterBridge

        writers: list[Any] = []
        if self.console_stats:
            from maze.core.log_stats.log_stats_writer_console import LogStatsWriterConsole

            writers.append(LogStatsWriterConsole())
        self.tensorboard_writer = None
        if self.tensorboard:
            from maze.core.log_stats.log_stats_writer_tensorboard import LogStatsWriterTensorboard

            tb = LogStatsWriterTensorboard(self.output_dir)
            tb.add_text("job_config", "```\n" + OmegaConf.to_yaml(cfg) + "\n```")
            tb.add_text("command", " ".join(["maze-run", *sys.argv[1:]]))
            writers.append(tb)
            self.tensorboard_writer = tb
        from maze.core.plugins import get_plugin_manager

        for extra in get_plugin_manager().call_lifecycle("maze_stats_writers", output_dir=self.output_dir) or []:
            writers.extend(extra or [])
        return [LogStatsWriterBridge(writers)] if writers else []

    def build_model_composer(self, model_cfg: Any) -> Any:
        """Instantiate the ``model`` config with the env's spaces."""
        return Factory(object).instantiate(
            model_cfg,
            _optional_kwargs={
                "action_spaces_dict": self.action_spaces_dict,
                "observation_spaces_dict": self.observation_spaces_dict,
                "agent_counts_dict": self.agent_counts_dict,
            },
        )

    def save_model_pictures(self, model_composer: Any) -> None:
        """Let the model composer save its policy/critic graph pictures to the output dir (if it can).

        Composers with ``save_models(output_dir)`` get the output dir; ones with ``save_models()`` use their own.
        """
        save_models = getattr(model_composer, "save_models", None)
        if callable(save_models):
            try:
                save_models(self.output_dir)
            except TypeError:
                save_models()

    def run_trainer(self, trainer: Any, n_epochs: int | None, envs_to_close: Iterable[Any] = ()) -> Any:
        """Attach the run's checkpoint file, config and progress-bar setting to ``trainer``, train it, and close
        ``envs_to_close`` (``None`` entries skipped) and the stats writers afterwards, also when training fails.

        :param trainer: the trainer (kept as ``self.trainer``).
        :param n_epochs: forwarded to ``trainer.train``.
        :param envs_to_close: envs created for this run, closed in this order.
        :return: what ``trainer.train`` returns (the last epoch's statistics).
        """
        trainer.checkpoint_file = self.checkpoint_file
        trainer.run_config = self.cfg
        trainer.progress_bar = self.progress_bar
        self.trainer = trainer
        try:
            return trainer.train(n_epochs)
        finally:
            for env in envs_to_close:
                if env is not None:
                    env.close()
            for writer in self.stats_writers:
                close = getattr(writer, "close", None)
                if callable(close):
                    close()

    def load_input_dir_state(self, trainer_kind: str | None = None) -> dict[str, Any] | None:
        """The state to start from: ``checkpoint.pt`` (resume) or ``state_dict.pt`` (fine-tune) of ``input_dir``.

        :param trainer_kind: the kind of the trainer about to run (``actor_critic``, ``bc``); a checkpoint written
            by another kind (e.g. BC before PPO) is not resumed: its best weights (``state_dict.pt``) are used instead.
        :raises InputDirError: when ``input_dir`` is set but holds neither file.
        """
        if not self.input_dir:
            return None
        if not os.path.isdir(self.input_dir):
            raise InputDirError(f"input_dir '{self.input_dir}' does not exist")
        for name in (CHECKPOINT_FILE, STATE_DICT_FILE):
            path = os.path.join(self.input_dir, name)
            if os.path.isfile(path):
                try:
                    state = torch.load(path, map_location="cpu", weights_only=True)
                except Exception as exc:  # noqa: BLE001 - corrupt or foreign file
                    raise InputDirError(f"cannot load '{path}' (weights_only=True): {exc}") from exc
                if name == CHECKPOINT_FILE and trainer_kind and state.get("trainer_kind", trainer_kind) != trainer_kind:
                    continue  # another algorithm family: fine-tune from its best weights
                print(f"********** Initializing from {path} **********", flush=True)
                return state
        raise InputDirError(
            f"input_dir '{self.input_dir}' contains neither '{CHECKPOINT_FILE}' nor '{STATE_DICT_FILE}'; pass the output "
            f"directory of an earlier training run"
        )


class EnvFactory:
    """Picklable env factory: ``make_env(env_config, wrappers_config)``.

    :param env_config: plain env config (``_target_`` + arguments).
    :param wrappers_config: plain wrappers config.
    """

    def __init__(self, env_config: Any, wrappers_config: Any = None, normalization_statistics: Any = None) -> None:
        self.env_config = env_config
        self.wrappers_config = wrappers_config
        #: observation normalization statistics given to every env created (set by the training runner)
        self.normalization_statistics = normalization_statistics

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
