"""A trained policy loaded from a training run's output directory (``policy=torch_policy input_dir=...``)."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Mapping

from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory, untrusted_config
from maze.perception.models.model_composer import BaseModelComposer
from maze.perception.models.space_config import SpacesConfig
from maze.train.agent.model_building import build_policy
from maze.train.agent.torch_policy import TorchPolicy
from maze.train.trainers.common.run_dir import RunDirError, load_torch_file


def run_config_path(input_dir: str) -> str:
    """``<input_dir>/.hydra/config.yaml``: the composed config a training run saved."""
    return os.path.join(input_dir, ".hydra", "config.yaml")


def load_run_config(input_dir: str) -> dict[str, Any]:
    """The composed config of a training run (``<input_dir>/.hydra/config.yaml``) as a plain dict (not resolved).

    The file is data from a run dir, hence untrusted: resolve what it names inside
    :func:`~maze.core.utils.factory.untrusted_config` (see ``docs/trust_model.md``).
    """
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException
    from yaml import YAMLError

    path = run_config_path(input_dir)
    if not os.path.isfile(path):
        raise ConfigError(f"'{input_dir}' is not a training output dir: '{path}' is missing")
    try:
        config = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
    except (OmegaConfBaseException, YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"'{path}' is not a readable run config: {first}") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"'{path}' holds a {type(config).__name__}, expected the mapping of a composed config")
    return config


class SerializedTorchPolicy(TorchPolicy):
    """Rebuilds the policy networks of a training run and loads its best weights; networks are in eval mode.

    The model config is read from the run's ``.hydra/config.yaml`` (or given as ``model``); read from the run dir it is
    untrusted: every class it names must be a registered Maze component (checked before anything is imported or
    called, see ``docs/trust_model.md``), while a ``model`` given here (the current command's config) may name any
    import path. Spaces are the rollout env's (passed by the rollout runners) or, without env, the run's
    ``spaces_config.json``.

    :param input_dir: the training run's output directory.
    :param state_dict_file: weights file inside ``input_dir`` (absolute paths are used as they are).
    :param device: ``cpu`` or ``cuda``.
    :param deterministic: always act with the most likely action.
    :param model: model config overriding the run's (trusted: from the current command, e.g.
        ``policy.model=...`` or ``model=<option>``).
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
        # a model given here comes from the current command's composed config (trusted); the run dir's saved
        # config is untrusted: it may only name registered components, refused before anything is imported
        model_source = None
        if model is None:
            model = load_run_config(input_dir).get("model")
            model_source = run_config_path(input_dir)
            if model is None:
                raise ConfigError(f"the run config '{model_source}' has no 'model' section; give the model config on "
                                  f"the command line (model=<option>)")
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
        hint = "register it through a plugin, or give the model config on the command line (model=<option>)"
        with untrusted_config(model_source, hint) if model_source else contextlib.nullcontext():
            composer = Factory(BaseModelComposer, kind="model").instantiate(model, _key="model", _optional_kwargs={
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
        try:
            state = load_torch_file(path)  # weights_only; a truncated or foreign file gets an error naming it
        except RunDirError as exc:
            raise ConfigError(str(exc)) from exc
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
