"""Observation pre-processing wrapper."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym

from maze.core.utils.factory import ConfigError, to_plain
from maze.core.wrappers.observation_preprocessing.preprocessors.base import PreProcessor
from maze.core.wrappers.wrapper import ObservationWrapper
from maze.core.wrappers.wrapper_utils import SubStepSpacesMixin, observation_spaces_dict_of, resolve_component

_ENTRY_KEYS = ("observation", "_target_", "type", "keep_original", "config")


class PreProcessingWrapper(SubStepSpacesMixin, ObservationWrapper):
    """Applies pre-processors to sub-observations of Dict observation spaces and updates the spaces.

    ``pre_processor_mapping`` is a list of entries, applied in order::

        - observation: rgb_image                       # key of the (sub-)observation
          _target_: Rgb2GrayPreProcessor               # registered name, maze.preprocessors.<Name> or import path
          keep_original: false                         # keep rgb_image next to the result
          config: {rgb_dim: -1}                        # constructor arguments of the pre-processor
        - observation: rgb_image-rgb2gray              # cascade: process the previous result
          _target_: ResizeImgPreProcessor
          keep_original: false
          config: {target_size: [96, 96], transpose: false}

    The result of a pre-processor is stored under ``<observation>-<tag>`` (the tag is the pre-processor's
    module name: ``rgb2gray``, ``resize_img``, ``one_hot``, ``flatten``, ``transpose``, ``unsqueeze``).
    Entries apply to every sub-step whose observation space has the key (each sub-step gets its own
    pre-processor instance, built for that sub-step's space). The older ``type:`` key is accepted in place
    of ``_target_``.

    :param env: the env to wrap (Dict observation spaces).
    :param pre_processor_mapping: the list of entries.
    :raises ConfigError: unknown pre-processor (listing the registered ones), an observation key that no
        sub-step has at that point of the cascade (listing the available keys), bad arguments.
    """

    def __init__(self, env: Any, pre_processor_mapping: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(env)
        mapping = to_plain(pre_processor_mapping)
        if mapping is None:
            mapping = []
        if isinstance(mapping, Mapping) or not isinstance(mapping, Sequence):
            raise ConfigError(f"PreProcessingWrapper: pre_processor_mapping must be a list of entries, got {mapping!r}")
        self.pre_processor_mapping = [self._check_entry(i, e) for i, e in enumerate(mapping)]
        spaces = observation_spaces_dict_of(env)
        current = {k: dict(s.spaces) for k, s in spaces.items() if isinstance(s, gym.spaces.Dict)}
        #: per sub-step: [(key, new_key, keep_original, pre-processor)]
        self._plans: dict[Any, list[tuple[str, str, bool, PreProcessor]]] = {k: [] for k in spaces}
        for i, entry in enumerate(self.pre_processor_mapping):
            key = entry["observation"]
            hit = False
            for step_key, cur in current.items():
                if key not in cur:
                    continue
                hit = True
                pp = self._build(i, entry, cur[key], step_key)
                new_key = f"{key}-{pp.tag()}"
                if not entry["keep_original"]:
                    del cur[key]
                cur[new_key] = pp.processed_space()
                self._plans[step_key].append((key, new_key, entry["keep_original"], pp))
            if not hit:
                available = sorted({k for cur in current.values() for k in cur})
                raise ConfigError(
                    f"PreProcessingWrapper: pre_processor_mapping[{i}]: observation '{key}' does not exist at this point of "
                    f"the pipeline; available observations: {available}"
                )
        self._init_spaces({k: gym.spaces.Dict(current[k]) if k in current else s for k, s in spaces.items()}, None)

    @staticmethod
    def _check_entry(i: int, entry: Any) -> dict:
        where = f"PreProcessingWrapper: pre_processor_mapping[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where} must be a mapping with keys {list(_ENTRY_KEYS)}, got {entry!r}")
        unknown = set(entry) - set(_ENTRY_KEYS)
        if unknown:
            raise ConfigError(f"{where} has unknown key(s) {sorted(unknown)}; valid keys: ['observation', '_target_', 'keep_original', 'config']")
        target = entry.get("_target_", entry.get("type"))
        if "observation" not in entry or target is None:
            raise ConfigError(f"{where} needs 'observation' and '_target_', got {dict(entry)!r}")
        config = to_plain(entry.get("config")) or {}
        if not isinstance(config, Mapping):
            raise ConfigError(f"{where}.config must be a mapping of pre-processor arguments, got {config!r}")
        return {"observation": str(entry["observation"]), "_target_": target,
                "keep_original": bool(entry.get("keep_original", False)), "config": dict(config)}

    @staticmethod
    def _build(i: int, entry: dict, space: gym.spaces.Space, step_key: Any) -> PreProcessor:
        where = f"PreProcessingWrapper: pre_processor_mapping[{i}] ('{entry['observation']}', sub-step {step_key!r})"
        cls = resolve_component(entry["_target_"], "preprocessor", PreProcessor, where)
        config = entry["config"]
        params = inspect.signature(cls).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            unknown = [k for k in config if k not in params]
            if unknown:
                valid = [n for n in params if n != "observation_space"]
                raise ConfigError(f"{where}: config key(s) {unknown} are not arguments of {cls.__name__}; valid: {valid}")
        try:
            return cls(observation_space=space, **config)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {cls.__name__}({config}) failed for space {space}: {exc}") from exc

    def _apply(self, observation: dict[str, Any], step_key: Any) -> dict[str, Any]:
        plan = self._plans[step_key]
        if not plan:
            return observation
        out = dict(observation)
        for key, new_key, keep, pp in plan:
            out[new_key] = pp.process(out[key])
            if not keep:
                del out[key]
        return out

    def observation(self, observation: dict[str, Any]) -> dict[str, Any]:
        """Pre-process the active sub-step's observation."""
        return self._apply(observation, self._step_key())

    def get_observation_and_action_dicts(self, maze_state: Any, maze_action: Any, first_step_in_episode: bool):
        obs_dict, act_dict = self.env.get_observation_and_action_dicts(maze_state, maze_action, first_step_in_episode)
        if obs_dict is not None:
            obs_dict = {k: self._apply(v, k) for k, v in obs_dict.items()}
        return obs_dict, act_dict
