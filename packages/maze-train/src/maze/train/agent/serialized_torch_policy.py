"""A trained policy loaded from a training run's output directory (``policy=torch_policy input_dir=...``)."""

from __future__ import annotations

import os
from typing import Any, Mapping

import torch

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory
from maze.perception.models.space_config import SpacesConfig
from maze.train.agent.model_building import build_policy
from maze.train.agent.torch_policy import TorchPolicy


def load_run_config(input_dir: str) -> dict[str, Any]:
    """The composed config of a training run (``<input_dir>/.hydra/config.yaml``) as a plain dict."""
    from omegaconf import OmegaConf

    path = os.path.join(input_dir, ".hydra", "config.yaml")
    if not os.path.isfile(path):
        raise ConfigError(f"'{input_dir}' is not a training output dir: '{path}' is missing")
    return OmegaConf.to_container(OmegaConf.load(path), resolve=False)  # type: ignore[return-value]


class SerializedTorchPolicy(TorchPolicy):
    """Rebuilds the policy networks of a training run and loads its best weights; networks are in eval mode.

    The model config is read from the run's ``.hydra/config.yaml`` (or given as ``model``); spaces are the
    rollout env's (passed by the rollout runners) or, without env, the run's ``spaces_config.json``.

    :param input_dir: the training run's output directory.
    :param state_dict_file: weights file inside ``input_dir`` (absolute paths are used as they are).
    :param device: ``cpu`` or ``cuda``.
    :param deterministic: always act with the most likely action.
    :param model: model config overriding the run's.
    :param spaces_dict_file: spaces file overriding ``<input_dir>/spaces_config.json``.
    :param action_spaces_dict: the rollout env's action spaces (offered by ``make_policy``).
    :param observation_spaces_dict: the rollout env's observation spaces.
    :param agent_counts_dict: the rollout env's agent counts.
    """

    def __init__(self, input_dir: str = "", state_dict_file: str = "state_dict.pt", device: str = "cpu",
                 deterministic: bool = False, model: Any = None, spaces_dict_file: str | None = None,
                 action_spaces_dict: Mapping | None = None, observation_spaces_dict: Mapping | None = None,
                 agent_counts_dict: Mapping | None = None) -> None:
        if not input_dir:
            raise ConfigError("policy=torch_policy needs input_dir=<output dir of a training run>")
        input_dir = os.path.abspath(str(input_dir))
        if not os.path.isdir(input_dir):
            raise ConfigError(f"input_dir '{input_dir}' does not exist")
        self.input_dir = input_dir
        self.deterministic = bool(deterministic)
        if model is None:
            model = load_run_config(input_dir).get("model")
            if model is None:
                raise ConfigError(f"the run config in '{input_dir}' has no 'model' section")
        spaces_path = spaces_dict_file or os.path.join(input_dir, SpacesConfig.DEFAULT_FILE_NAME)
        saved = None
        if os.path.isfile(spaces_path):
            loaded = SpacesConfig.load(spaces_path)  # JSON: loading never executes code
            saved = {"action_spaces_dict": loaded.action_spaces_dict, "observation_spaces_dict": loaded.observation_spaces_dict,
                     "agent_counts_dict": loaded.agent_counts_dict}
        if action_spaces_dict is None or observation_spaces_dict is None:
            if saved is None:
                raise ConfigError(f"no env spaces given and '{spaces_path}' is missing")
            action_spaces_dict, observation_spaces_dict = saved["action_spaces_dict"], saved["observation_spaces_dict"]
            agent_counts_dict = saved.get("agent_counts_dict")
        elif saved is not None:
            for name, mine, theirs in (("action", action_spaces_dict, saved["action_spaces_dict"]),
                                       ("observation", observation_spaces_dict, saved["observation_spaces_dict"])):
                if dict(mine) != dict(theirs):
                    raise ConfigError(
                        f"the env's {name} spaces differ from those the policy in '{input_dir}' was trained on:\n"
                        f"  env:      {dict(mine)}\n  training: {dict(theirs)}\n"
                        f"use the same env and wrappers config as the training run"
                    )
        composer = Factory(object).instantiate(model, _optional_kwargs={
            "action_spaces_dict": dict(action_spaces_dict),
            "observation_spaces_dict": dict(observation_spaces_dict),
            "agent_counts_dict": dict(agent_counts_dict or {k: 1 for k in action_spaces_dict}),
        })
        built = build_policy(composer, device)
        super().__init__(built.networks, built.distribution_mapper, device,
                         substeps_with_separate_agent_nets=built.substeps_with_separate_agent_nets)
        path = state_dict_file if os.path.isabs(state_dict_file) else os.path.join(input_dir, state_dict_file)
        if not os.path.isfile(path):
            raise ConfigError(f"no weights file '{path}'; was the training run in '{input_dir}' finished/evaluated?")
        state = torch.load(path, map_location="cpu", weights_only=True)
        state = state.get("model", state)
        if "policy" not in state:
            raise ConfigError(f"'{path}' holds no policy weights (keys: {sorted(state)})")
        try:
            self.load_state_dict(state["policy"])
        except ValueError as exc:
            raise ConfigError(f"weights in '{path}' do not fit the model config: {exc}") from exc
        self.eval()

    def compute_action(self, observation: Any, maze_state: Any | None = None, env: Any | None = None,
                       actor_id: ActorID | None = None, deterministic: bool = False) -> dict[str, Any]:
        return super().compute_action(observation, maze_state, env, actor_id, deterministic or self.deterministic)
