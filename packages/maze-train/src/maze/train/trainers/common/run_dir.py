"""The files of a training run directory: one format, written and read by shared code for every algorithm.

===========================  ==========================================================================================
file                         content
===========================  ==========================================================================================
``state_dict.pt``            the best model: ``{"policy": TorchPolicy.state_dict(), "critic": ... (if any)}``; each
                             entry maps the network key (sub-step key, as ``str``) to that network's ``state_dict``.
                             ``policy=torch_policy input_dir=<run>`` and fine-tuning read it.
``checkpoint.pt``            the last finished epoch, for resuming: ``{"format": 1, "trainer_kind": str,
                             "epoch": int, "model": <state_dict.pt layout>, "model_selection": {...}, ...}`` plus
                             whatever the trainer adds (optimizer state, counters).
``spaces_config.json``       action/observation spaces and agent counts of the training env (JSON, never pickled).
``statistics.json``          observation normalization statistics (only when the wrappers normalize observations).
``.hydra/config.yaml``       the composed config of the run (Hydra).
===========================  ==========================================================================================

Everything is written atomically (temp file in the same directory, then rename), so a killed run never leaves a
half-written file, and read with ``torch.load(..., weights_only=True)``: loading never executes code.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any

import torch

from maze.core.utils.factory import ConfigError

STATE_DICT_FILE = "state_dict.pt"
CHECKPOINT_FILE = "checkpoint.pt"
SPACES_CONFIG_FILE = "spaces_config.json"
#: version of the ``checkpoint.pt`` layout
CHECKPOINT_FORMAT = 1


class RunDirError(ConfigError):
    """A run directory (``input_dir``) cannot be used: missing, not a training run, or holding unreadable files."""


#: kept as an alias: ``input_dir`` problems were reported as ``InputDirError`` before
InputDirError = RunDirError


@dataclass(frozen=True)
class InitialState:
    """What a new run starts from when ``input_dir`` is given.

    :param state: the loaded file content.
    :param path: the file it was read from.
    :param resume: ``True`` for a checkpoint of the same trainer kind (continue training: optimizer, counters,
        model selection), ``False`` for best weights only (fine-tuning).
    """

    state: dict[str, Any]
    path: str
    resume: bool

    @property
    def model_state(self) -> dict[str, Any]:
        """The model part (``state_dict.pt`` layout)."""
        return self.state.get("model", self.state) if self.resume or "model" in self.state else self.state


class ModelState:
    """The ``state_dict.pt`` layout of a policy and an optional critic: ``{"policy": ..., "critic": ...}``.

    What best-model selection dumps (``BestModelSelection(dump_file, ModelState(policy, critic))``) and what
    :meth:`Trainer.model_state_dict` returns by default.

    :param policy: the policy (its ``state_dict()``: network key → network state dict).
    :param critic: the critic, if any.
    """

    def __init__(self, policy: Any, critic: Any = None) -> None:
        self.policy = policy
        self.critic = critic

    def state_dict(self) -> dict[str, Any]:
        state = {"policy": self.policy.state_dict()}
        if self.critic is not None:
            state["critic"] = self.critic.state_dict()
        return state


def atomic_torch_save(obj: Any, path: str) -> None:
    """``torch.save`` through maze-core's atomic write (readers never see a partial file)."""
    from maze.core.utils.atomic_write import atomic_write

    with atomic_write(path, binary=True) as f:
        torch.save(obj, f)


def load_torch_file(path: str) -> dict[str, Any]:
    """``torch.load(path, weights_only=True)`` with one clear error naming the file (truncated, foreign...)."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise RunDirError(f"'{path}' does not exist") from None
    except Exception as exc:  # noqa: BLE001 - torch raises many types for corrupt files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RunDirError(f"cannot read '{path}': the file is truncated, corrupt or not a Maze weights file "
                          f"({type(exc).__name__}: {first[:200]})") from exc
    if not isinstance(state, dict):
        raise RunDirError(f"'{path}' holds a {type(state).__name__}, expected a dict of weights")
    return state


class RunDir:
    """The output directory of a training run and the files in it.

    :param path: the directory (created if missing).
    """

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(str(path))
        os.makedirs(self.path, exist_ok=True)

    @classmethod
    def existing(cls, path: str) -> RunDir:
        """An existing run dir (e.g. ``input_dir``); nothing is created.

        :raises RunDirError: when ``path`` is empty or not a directory.
        """
        if not str(path or "").strip():
            raise RunDirError("input_dir is empty; pass the output directory of an earlier training run")
        absolute = os.path.abspath(str(path))
        if not os.path.isdir(absolute):
            raise RunDirError(f"input_dir '{absolute}' does not exist (expected the output directory of an earlier "
                              f"training run)")
        run_dir = cls.__new__(cls)
        run_dir.path = absolute
        return run_dir

    def __repr__(self) -> str:
        return f"RunDir({self.path!r})"

    @property
    def state_dict_file(self) -> str:
        """``<run>/state_dict.pt``: the best model."""
        return os.path.join(self.path, STATE_DICT_FILE)

    @property
    def checkpoint_file(self) -> str:
        """``<run>/checkpoint.pt``: the last epoch (resume)."""
        return os.path.join(self.path, CHECKPOINT_FILE)

    @property
    def spaces_config_file(self) -> str:
        """``<run>/spaces_config.json``: the training env's spaces."""
        return os.path.join(self.path, SPACES_CONFIG_FILE)

    def has_best_model(self) -> bool:
        return os.path.isfile(self.state_dict_file)

    # ------------------------------------------------------------------ writing
    def save_best_model(self, model_state: dict[str, Any]) -> None:
        """Write ``state_dict.pt`` (atomically)."""
        atomic_torch_save(model_state, self.state_dict_file)

    def save_checkpoint(self, state: dict[str, Any]) -> None:
        """Write ``checkpoint.pt`` (atomically); adds the format version."""
        atomic_torch_save({"format": CHECKPOINT_FORMAT, **state}, self.checkpoint_file)

    def save_spaces_config(self, action_spaces_dict: Any, observation_spaces_dict: Any, agent_counts_dict: Any) -> None:
        """Write ``spaces_config.json``."""
        from maze.perception.models.space_config import SpacesConfig

        SpacesConfig(dict(action_spaces_dict), dict(observation_spaces_dict), dict(agent_counts_dict)).save(
            self.spaces_config_file)

    def carry_over_best_model(self, source: RunDir) -> bool:
        """Copy ``source``'s best model into this run (a resumed run keeps the best model it resumes with).

        :return: whether a file was copied.
        """
        if not source.has_best_model() or os.path.abspath(source.path) == self.path:
            return False
        from maze.core.utils.atomic_write import atomic_write

        with open(source.state_dict_file, "rb") as src, atomic_write(self.state_dict_file, binary=True) as dst:
            shutil.copyfileobj(src, dst)
        return True

    # ------------------------------------------------------------------ reading
    def load_best_model(self) -> dict[str, Any]:
        """The best model (``state_dict.pt`` layout).

        :raises RunDirError: naming the file when it is missing or unreadable.
        """
        if not self.has_best_model():
            raise RunDirError(f"no weights file '{self.state_dict_file}'; the directory is not the output dir of a "
                              f"(finished or evaluated) training run")
        state = load_torch_file(self.state_dict_file)
        return state.get("model", state) if "policy" not in state else state

    def initial_state(self, trainer_kind: str) -> InitialState:
        """What a run started with ``input_dir=<this run>`` starts from.

        ``checkpoint.pt`` of the same trainer kind resumes; otherwise (another kind, e.g. PPO after BC, or no usable
        checkpoint) the best weights fine-tune. A truncated checkpoint falls back to ``state_dict.pt`` with a warning.

        :param trainer_kind: the kind of the trainer about to run (:attr:`Trainer.trainer_kind`).
        :raises RunDirError: when the directory is missing or holds no readable weights.
        """
        if not os.path.isdir(self.path):
            raise RunDirError(f"input_dir '{self.path}' does not exist")
        problems: list[str] = []
        if os.path.isfile(self.checkpoint_file):
            try:
                state = load_torch_file(self.checkpoint_file)
            except RunDirError as exc:
                problems.append(str(exc))
            else:
                if state.get("trainer_kind", trainer_kind) == trainer_kind and "model" in state:
                    return InitialState(state, self.checkpoint_file, resume=True)
        if self.has_best_model():
            try:
                state = load_torch_file(self.state_dict_file)
            except RunDirError as exc:
                problems.append(str(exc))
            else:
                if problems:
                    import warnings

                    warnings.warn(f"{problems[0]}; fine-tuning from the best model '{self.state_dict_file}' instead",
                                  RuntimeWarning, stacklevel=2)
                return InitialState(state, self.state_dict_file, resume=False)
        if problems:
            raise RunDirError("; ".join(problems))
        raise RunDirError(f"input_dir '{self.path}' contains neither '{CHECKPOINT_FILE}' nor '{STATE_DICT_FILE}'; pass "
                          f"the output directory of an earlier training run")
