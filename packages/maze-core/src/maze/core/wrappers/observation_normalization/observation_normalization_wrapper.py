"""Observation normalization wrapper."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from maze.core.utils.factory import ConfigError, to_plain
from maze.core.wrappers.observation_normalization.normalization_statistics import (
    NormalizationStatisticsType,
    load_normalization_statistics,
    save_normalization_statistics,
)
from maze.core.wrappers.observation_normalization.normalization_strategies.base import (
    ObservationNormalizationStrategy,
    StatisticsType,
)
from maze.core.wrappers.wrapper import ObservationWrapper
from maze.core.wrappers.wrapper_utils import (
    SubStepSpacesMixin,
    as_mapping,
    observation_spaces_dict_of,
    resolve_component,
)

logger = logging.getLogger(__name__)

_MANUAL_KEYS = ("strategy", "strategy_config", "statistics")


class ObservationNormalizationWrapper(SubStepSpacesMixin, ObservationWrapper):
    """Normalizes the Box sub-observations of Dict observation spaces with per-observation strategies.

    Features: default strategy and statistics for all observations, per-observation ``manual_config``
    (strategy, its config, manual statistics), ``exclude`` list, statistics estimated from observations
    collected with a ``sampling_policy``, clipping, statistics dump/load.

    Statistics are kept per observation key and shared by all sub-steps that have the key (whose spaces
    must then agree). Non-Box observations (Discrete, MultiBinary, ...) are not normalized.

    Life cycle:

    1. Construction. Observations with manual (or default) statistics are ready; the others need
       estimated statistics.
    2. :func:`~maze.core.wrappers.observation_normalization.observation_normalization_utils.obtain_normalization_statistics`
       (the runners call it) loads statistics from an earlier run (``input_dir``), or estimates them by
       stepping the wrapper with the sampling policy (observations are collected, not normalized, in this
       phase) and dumps them to ``statistics_dump``.
       :meth:`set_normalization_statistics` assigns statistics obtained elsewhere (e.g. in vector env workers).
    3. If an env is reset while statistics are still missing, the wrapper obtains them itself first
       (loads ``statistics_dump`` if that file exists, else estimates from :attr:`auto_estimation_samples`
       steps and dumps them) and logs a warning.

    Observation spaces report the normalized (and clipped) bounds once statistics are set, the original
    spaces before.

    :param env: the env to wrap (Dict observation spaces).
    :param default_strategy: strategy of observations without a manual strategy (registered name such as
        ``MeanZeroStdOneObservationNormalizationStrategy``, docs alias ``maze.normalization_strategies.<Name>``,
        or import path).
    :param default_strategy_config: constructor arguments of the default strategy (``clip_range``, ``axis``).
    :param default_statistics: statistics for all observations without manual statistics (``None``: estimate).
    :param statistics_dump: file the statistics are dumped to / loaded from. JSON, or ``numpy.savez`` for
        ``.npz`` names; never pickle (a legacy ``statistics.pkl`` name gets JSON content).
    :param sampling_policy: policy config (``{_target_: ...}``) or instance used to collect observations
        for estimation; default: a random policy.
    :param exclude: observation keys not to normalize.
    :param manual_config: ``{observation_key: {strategy, strategy_config, statistics}}`` (all optional).
    :raises ConfigError: unknown keys in ``exclude``/``manual_config`` (listing the observations), unknown
        strategies (listing the registered ones), bad strategy arguments or statistics.
    """

    #: sampling steps when the wrapper has to estimate statistics on its own (see life cycle, step 3)
    auto_estimation_samples: int = 1000

    def __init__(
        self,
        env: Any,
        default_strategy: Any = "MeanZeroStdOneObservationNormalizationStrategy",
        default_strategy_config: Mapping[str, Any] | None = None,
        default_statistics: Mapping[str, Any] | None = None,
        statistics_dump: str | None = "statistics.json",
        sampling_policy: Any = None,
        exclude: Sequence[str] | None = None,
        manual_config: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(env)
        self.default_strategy = default_strategy
        self.default_strategy_config = as_mapping(default_strategy_config, "ObservationNormalizationWrapper.default_strategy_config")
        self.default_statistics = to_plain(default_statistics)
        self.statistics_dump = statistics_dump
        self.sampling_policy = to_plain(sampling_policy) if not hasattr(sampling_policy, "compute_action") else sampling_policy
        self.exclude = list(to_plain(exclude) or [])
        self.manual_config = as_mapping(manual_config, "ObservationNormalizationWrapper.manual_config")
        self._collecting = False
        self._collected: dict[str, list[np.ndarray]] = {}

        self._original_spaces = observation_spaces_dict_of(env)
        key_spaces: dict[str, gym.spaces.Space] = {}
        for step_key, space in self._original_spaces.items():
            if not isinstance(space, gym.spaces.Dict):
                raise TypeError(f"ObservationNormalizationWrapper needs Dict observation spaces; sub-step {step_key!r} has {space}")
            for key, sub in space.spaces.items():
                if key in key_spaces and key_spaces[key] != sub:
                    raise ConfigError(
                        f"ObservationNormalizationWrapper: observation '{key}' has different spaces in different sub-steps "
                        f"({key_spaces[key]} vs {sub} in sub-step {step_key!r}); statistics are shared per key"
                    )
                key_spaces.setdefault(key, sub)
        available = sorted(key_spaces)
        for key in self.exclude:
            if key not in key_spaces:
                raise ConfigError(f"ObservationNormalizationWrapper: exclude names observation '{key}', which the env does not have; available: {available}")
        for key in self.manual_config:
            if key not in key_spaces:
                raise ConfigError(f"ObservationNormalizationWrapper: manual_config names observation '{key}', which the env does not have; available: {available}")
            if not isinstance(key_spaces[key], gym.spaces.Box):
                raise ConfigError(f"ObservationNormalizationWrapper: manual_config observation '{key}' is {key_spaces[key]}; only Box observations can be normalized")

        #: the strategy of each normalized observation key
        self.strategies: dict[str, ObservationNormalizationStrategy] = {}
        for key, sub in key_spaces.items():
            if key in self.exclude or not isinstance(sub, gym.spaces.Box):
                continue
            self.strategies[key] = self._make_strategy(key, sub)
        self._plans = {
            step_key: [(k, self.strategies[k]) for k in space.spaces if k in self.strategies]
            for step_key, space in self._original_spaces.items()
        }
        self._update_spaces()

    # ------------------------------------------------------------------ construction
    def _make_strategy(self, key: str, space: gym.spaces.Box) -> ObservationNormalizationStrategy:
        manual = as_mapping(self.manual_config.get(key), f"manual_config.{key}")
        unknown = set(manual) - set(_MANUAL_KEYS)
        if unknown:
            raise ConfigError(f"ObservationNormalizationWrapper: manual_config.{key} has unknown key(s) {sorted(unknown)}; valid: {list(_MANUAL_KEYS)}")
        where = f"ObservationNormalizationWrapper: observation '{key}'"
        strategy_name = manual.get("strategy") or self.default_strategy
        cls = resolve_component(strategy_name, "normalization_strategy", ObservationNormalizationStrategy, where)
        config = as_mapping(manual["strategy_config"], f"manual_config.{key}.strategy_config") if "strategy_config" in manual \
            else dict(self.default_strategy_config)
        params = inspect.signature(cls).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            bad = [k for k in config if k not in params or k == "observation_space"]
            if bad:
                valid = [n for n in params if n != "observation_space"]
                raise ConfigError(f"{where}: strategy config key(s) {bad} are not arguments of {cls.__name__}; valid: {valid}")
        try:
            strategy = cls(observation_space=space, **config)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {cls.__name__}({config}) failed: {exc}") from exc
        strategy.observation_key = key
        statistics = to_plain(manual.get("statistics")) if manual.get("statistics") is not None else self.default_statistics
        if statistics is not None:
            try:
                strategy.set_statistics(statistics)
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from exc
        return strategy

    def _update_spaces(self) -> None:
        spaces = {}
        for step_key, space in self._original_spaces.items():
            new = dict(space.spaces)
            for key, strategy in self._plans[step_key]:
                if strategy.is_initialized():
                    new[key] = strategy.normalized_space()
            spaces[step_key] = gym.spaces.Dict(new)
        self._init_spaces(spaces, None)

    # ------------------------------------------------------------------ statistics
    def is_initialized(self) -> bool:
        """True once every normalized observation has statistics."""
        return all(s.is_initialized() for s in self.strategies.values())

    def get_statistics(self) -> NormalizationStatisticsType:
        """``{observation_key: {statistic: array}}`` of all observations with statistics."""
        return {k: s.get_statistics() for k, s in self.strategies.items() if s.is_initialized()}

    def set_normalization_statistics(self, stats: Mapping[str, StatisticsType]) -> None:
        """Assign statistics (all or some observations).

        :raises ValueError: unknown observation keys (listing the normalized ones) or bad statistics.
        """
        stats = to_plain(stats)
        unknown = [k for k in stats if k not in self.strategies]
        if unknown:
            raise ValueError(f"normalization statistics for unknown observation(s) {unknown}; normalized observations: {sorted(self.strategies)}")
        for key, value in stats.items():
            self.strategies[key].set_statistics(value)
        self._update_spaces()

    def set_observation_collection(self, status: bool) -> None:
        """``True``: collect observations (returned un-normalized) for :meth:`estimate_statistics`;
        ``False``: normalize observations."""
        self._collecting = bool(status)
        if self._collecting:
            self._collected = {k: [] for k in self.strategies if not self.strategies[k].is_initialized()}

    def estimate_statistics(self) -> None:
        """Estimate and set the statistics of all observations without statistics from the collected ones."""
        for key, observations in self._collected.items():
            strategy = self.strategies[key]
            if not observations:
                raise ValueError(f"no observations of '{key}' were collected; cannot estimate its normalization statistics")
            strategy.set_statistics(strategy.estimate_stats(observations))
        self._collected = {}
        self._update_spaces()

    def make_sampling_policy(self) -> Any:
        """The sampling policy (instantiated from its config with this env's spaces)."""
        from maze.core.agent.policy import Policy
        from maze.core.utils.factory import Factory

        config = self.sampling_policy
        if config is None:
            config = {"_target_": "maze.core.agent.random_policy.RandomPolicy"}
        return Factory(Policy, kind="policy").instantiate(
            config,
            _optional_kwargs={"action_spaces_dict": self.action_spaces_dict,
                              "observation_spaces_dict": self.env.observation_spaces_dict,
                              "agent_counts_dict": self.agent_counts_dict},
        )

    def statistics_path(self, output_dir: str | None = None) -> str | None:
        """The resolved ``statistics_dump`` path (relative paths: against ``output_dir``, default Hydra's run
        dir or the working directory)."""
        if not self.statistics_dump:
            return None
        if os.path.isabs(self.statistics_dump):
            return self.statistics_dump
        if output_dir is None:
            from maze.core.runners.runner import current_output_dir

            output_dir = current_output_dir()
        return os.path.join(output_dir, self.statistics_dump)

    def dump_statistics(self, path: str | None = None, output_dir: str | None = None) -> str:
        """Write the statistics atomically to ``path`` (default: :meth:`statistics_path`); returns the path."""
        path = path or self.statistics_path(output_dir)
        if path is None:
            raise ValueError("no statistics_dump path configured")
        return save_normalization_statistics(self.get_statistics(), path)

    def load_statistics(self, path: str | None = None) -> None:
        """Load statistics from ``path`` (default: :meth:`statistics_path`) and assign them."""
        path = path or self.statistics_path()
        if path is None:
            raise ValueError("no statistics_dump path configured")
        self.set_normalization_statistics(load_normalization_statistics(path))

    def estimate_statistics_by_sampling(self, n_samples: int) -> None:
        """Estimate and set the missing statistics from ``n_samples`` steps of the sampling policy.

        Steps are taken on this wrapper itself (wrappers outside it are bypassed, so the sampling policy acts in
        this wrapper's action space); the env should be reset afterwards.

        :param n_samples: number of steps to sample (episodes are reset as needed).
        """
        if int(n_samples) < 1:
            raise ValueError(f"n_samples must be >= 1, got {n_samples}")
        policy = self.make_sampling_policy()
        needs_state, needs_env = policy.needs_state(), policy.needs_env()
        self.set_observation_collection(True)
        try:
            obs, _ = self.reset()
            policy.reset()
            for _ in range(int(n_samples)):
                action = policy.compute_action(
                    obs,
                    maze_state=self.get_maze_state() if needs_state else None,
                    env=self if needs_env else None,
                    actor_id=self.actor_id(),
                    deterministic=False,
                )
                obs, _, terminated, truncated, _ = self.step(action)
                if terminated or truncated:
                    obs, _ = self.reset()
                    policy.reset()
            self.estimate_statistics()
        finally:
            self.set_observation_collection(False)

    def _obtain_statistics_automatically(self) -> None:
        path = self.statistics_path()
        if path is not None and os.path.exists(path):
            logger.warning("observation normalization: loading statistics from %s", path)
            self.load_statistics(path)
            if self.is_initialized():
                return
        missing = sorted(k for k, s in self.strategies.items() if not s.is_initialized())
        logger.warning(
            "observation normalization: no statistics for %s; estimating them from %d sampling steps "
            "(call obtain_normalization_statistics to control this)", missing, self.auto_estimation_samples,
        )
        self.estimate_statistics_by_sampling(self.auto_estimation_samples)
        if path is not None:
            self.dump_statistics(path)

    # ------------------------------------------------------------------ env interface
    def _apply(self, observation: dict[str, Any], step_key: Any) -> dict[str, Any]:
        plan = self._plans[step_key]
        if not plan:
            return observation
        out = dict(observation)
        if self._collecting:
            collected = self._collected
            for key, _ in plan:
                if key in collected:
                    collected[key].append(np.array(observation[key], copy=True))
            return out
        for key, strategy in plan:
            out[key] = strategy.normalize_and_process_value(observation[key])
        return out

    def observation(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Normalize (or, while collecting, record) the active sub-step's observation."""
        return self._apply(observation, self._step_key())

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        if not self._collecting and not self.is_initialized():
            self._obtain_statistics_automatically()
        obs, info = self.env.reset(seed=seed, options=options)
        return self.observation(obs), info

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: self._apply(v, k) for k, v in obs_dict.items()}
        return obs_dict, act_dict
